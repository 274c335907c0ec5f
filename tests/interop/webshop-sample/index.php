<?php
// The checkout page: one invoice, its reference printed for the shopper's browser (and the test).
require __DIR__ . '/seqr.php';
$base = getenv('SHOP_BASE_URL');
$result = seqr_client()->sendInvoice(array(
    'context' => seqr_context(),
    'invoice' => array(
        'acknowledgmentMode' => 'NO_ACKNOWLEDGMENT',
        'title' => 'Grand Cinema',
        'totalAmount' => array('currency' => 'SEK', 'value' => '500'),
        'backURL' => "$base/done.php",
        'notificationUrl' => "$base/status.php",
        'invoiceRows' => array('invoiceRow' => array(
            'itemDescription' => 'Movie ticket',
            'itemTotalAmount' => array('currency' => 'SEK', 'value' => '500'),
        )),
    ),
));
shop_log(array('event' => 'sendInvoice', 'resultCode' => $result->return->resultCode, 'invoiceReference' => $result->return->invoiceReference));
header('content-type: application/json');
echo json_encode(array('invoiceReference' => $result->return->invoiceReference, 'invoiceQRCode' => $result->return->invoiceQRCode));
