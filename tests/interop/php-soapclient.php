<?php
// PHP's SoapClient against the sandbox, the way the official PHP plugins called SEQR
// (seqr-webshop-api, WooCommerce, PrestaShop): nested arrays in, `->return` out.
// Usage: php php-soapclient.php <wsdlUrl> <terminalId> <terminalPassword> <controlBaseUrl>
// Prints one JSON object with the observed results.
[$script, $wsdl, $terminalId, $password, $control] = $argv;

function ctx($id, $password) {
    return array(
        'channel' => 'WS',
        'clientId' => 'PHP interop',
        'clientReference' => 'php-soapclient 1.0',
        'clientRequestTimeout' => 0,
        'initiatorPrincipalId' => array('id' => $id, 'type' => 'TERMINALID'),
        'password' => $password,
    );
}

function invoice($total, $currency = 'SEK', $extra = array()) {
    return array_merge(array(
        'paymentMode' => 'IMMEDIATE_DEBIT',
        'acknowledgmentMode' => 'NO_ACKNOWLEDGMENT',
        'issueDate' => date('Y-m-d\TH:i:sP'),
        'title' => 'PHP shop',
        'clientInvoiceId' => 'php-' . uniqid(),
        'invoiceRows' => array('invoiceRow' => array(
            array('itemDescription' => 'Mug', 'itemQuantity' => 2, 'itemTaxRate' => 25,
                  'itemTotalAmount' => array('currency' => $currency, 'value' => '300.00'),
                  'itemUnitPrice' => array('currency' => $currency, 'value' => '150.00')),
            array('itemDescription' => 'Shipping', 'itemQuantity' => 1,
                  'itemTotalAmount' => array('currency' => $currency, 'value' => number_format($total - 300, 2, '.', ''))),
        )),
        'totalAmount' => array('currency' => $currency, 'value' => number_format($total, 2, '.', '')),
        'cashierId' => 'web',
        'backURL' => 'http://localhost/shop/back?o=1&t=2',
        'notificationUrl' => 'http://127.0.0.1:9/notify?o=1',
    ), $extra);
}

function customer($control, $ref, $action) {
    $context = stream_context_create(array('http' => array('method' => 'POST', 'header' => "content-type: application/json\r\n", 'content' => '')));
    $body = file_get_contents("$control/sandbox/invoices/$ref/$action", false, $context);
    return json_decode($body, true);
}

$out = array();
try {
    $client = new SoapClient($wsdl, array('trace' => 1, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE, 'features' => SOAP_SINGLE_ELEMENT_ARRAYS));
    $ctx = ctx($terminalId, $password);

    $sent = $client->sendInvoice(array('context' => $ctx, 'invoice' => invoice(349)))->return;
    $out['sendInvoice'] = array('resultCode' => $sent->resultCode, 'resultDescription' => $sent->resultDescription, 'invoiceReference' => $sent->invoiceReference, 'invoiceQRCode' => $sent->invoiceQRCode);
    $ref = $sent->invoiceReference;
    $out['sendInvoiceRequestHasUnqualifiedChildren'] = strpos($client->__getLastRequest(), '<context>') !== false;

    $issued = $client->getPaymentStatus(array('context' => $ctx, 'invoiceReference' => $ref, 'invoiceVersion' => 0))->return;
    $out['statusIssued'] = array('resultCode' => $issued->resultCode, 'status' => $issued->status, 'version' => $issued->version);

    customer($control, $ref, 'pay');
    $paid = $client->getPaymentStatus(array('context' => $ctx, 'invoiceReference' => $ref, 'invoiceVersion' => $issued->version))->return;
    $out['statusPaid'] = array(
        'resultCode' => $paid->resultCode, 'status' => $paid->status, 'version' => $paid->version,
        'ersReference' => $paid->ersReference, 'paymentReference' => $paid->receipt->paymentReference,
        'receiptTotal' => $paid->receipt->invoice->totalAmount->value,
        'receiptRows' => count($paid->receipt->invoice->invoiceRows->invoiceRow),
    );
    $out['statusResponseXml'] = $client->__getLastResponse();

    $receipt = $client->submitPaymentReceipt(array('context' => $ctx, 'ersReference' => $paid->ersReference, 'receiptDocument' => array(
        'mimeType' => 'text/html', 'receiptData' => '<h1>PHP shop</h1><p>Thanks</p>', 'receiptType' => 'PAYMENT_RECEIPT')))->return;
    $out['submitPaymentReceipt'] = array('resultCode' => $receipt->resultCode, 'ersReference' => $receipt->ersReference);

    $refund = $client->refundPayment(array('context' => $ctx, 'ersReference' => $paid->ersReference, 'invoice' => array(
        'title' => 'Refund', 'clientInvoiceId' => 'R1', 'totalAmount' => array('currency' => 'SEK', 'value' => '100.00'), 'cashierId' => 'admin')))->return;
    $out['refund'] = array('resultCode' => $refund->resultCode, 'ersReference' => $refund->ersReference);
    $over = $client->refundPayment(array('context' => $ctx, 'ersReference' => $paid->ersReference, 'invoice' => array(
        'title' => 'Refund', 'totalAmount' => array('currency' => 'SEK', 'value' => '249.01'))))->return;
    $out['overRefund'] = array('resultCode' => $over->resultCode, 'resultDescription' => $over->resultDescription);
    $unknownRefund = $client->refundPayment(array('context' => $ctx, 'ersReference' => '2016031114302512301000042', 'invoice' => array(
        'totalAmount' => array('currency' => 'SEK', 'value' => '1.00'))))->return;
    $out['unknownRefund'] = $unknownRefund->resultCode;

    $open = $client->sendInvoice(array('context' => $ctx, 'invoice' => invoice(349)))->return->invoiceReference;
    $out['cancel'] = $client->cancelInvoice(array('context' => $ctx, 'invoiceReference' => $open))->return->resultCode;
    $out['cancelAgain'] = $client->cancelInvoice(array('context' => $ctx, 'invoiceReference' => $open))->return->resultCode;
    $out['cancelPaid'] = $client->cancelInvoice(array('context' => $ctx, 'invoiceReference' => $ref))->return->resultCode;
    $scanned = $client->sendInvoice(array('context' => $ctx, 'invoice' => invoice(349)))->return->invoiceReference;
    customer($control, $scanned, 'scan');
    $out['cancelScanned'] = $client->cancelInvoice(array('context' => $ctx, 'invoiceReference' => $scanned))->return->resultCode;
    $out['cancelUnknown'] = $client->cancelInvoice(array('context' => $ctx, 'invoiceReference' => '1111111111111'))->return->resultCode;

    $out['wrongPassword'] = $client->sendInvoice(array('context' => ctx($terminalId, 'wrong-password'), 'invoice' => invoice(349)))->return->resultCode;
    $out['unknownTerminal'] = $client->getPaymentStatus(array('context' => ctx('no-such-terminal', 'x'), 'invoiceReference' => $ref, 'invoiceVersion' => 0))->return->resultCode;
    $out['wrongCurrency'] = $client->sendInvoice(array('context' => $ctx, 'invoice' => invoice(349, 'EUR')))->return->resultCode;
    $out['badNotificationUrl'] = $client->sendInvoice(array('context' => $ctx, 'invoice' => invoice(349, 'SEK', array('notificationUrl' => 'ftp://shop/notify'))))->return->resultCode;
    $out['unknownReference'] = $client->getPaymentStatus(array('context' => $ctx, 'invoiceReference' => '1111111111111', 'invoiceVersion' => 0))->return->resultCode;
} catch (SoapFault $fault) {
    $out['fault'] = $fault->faultcode . ': ' . $fault->getMessage();
    if (isset($client)) $out['lastResponse'] = $client->__getLastResponse();
} catch (Throwable $error) {
    $out['error'] = get_class($error) . ': ' . $error->getMessage();
}
echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
