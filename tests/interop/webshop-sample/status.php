<?php
// The status URL and the notification URL in one, as the plugin README suggests: GET (the plugin's
// poll) or POST (SEQR's notification) of invoiceReference; either way one getPaymentStatus call.
require __DIR__ . '/seqr.php';
$reference = isset($_REQUEST['invoiceReference']) ? $_REQUEST['invoiceReference'] : '';
if ($reference === '') {
    shop_log(array('event' => 'no-reference', 'method' => $_SERVER['REQUEST_METHOD']));
    http_response_code(400);
    echo json_encode(array('error' => 'invoiceReference is missing'));
    exit;
}
$result = seqr_client()->getPaymentStatus(array('context' => seqr_context(), 'invoiceReference' => $reference, 'invoiceVersion' => 0));
$status = isset($result->return->status) ? $result->return->status : null;
shop_log(array('event' => 'status', 'method' => $_SERVER['REQUEST_METHOD'], 'invoiceReference' => $reference, 'resultCode' => $result->return->resultCode, 'status' => $status));
header('content-type: application/json');
header('Access-Control-Allow-Origin: *');
echo json_encode(array('status' => $status));
