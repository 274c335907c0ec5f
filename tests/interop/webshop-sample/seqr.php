<?php
// A PHP webshop that integrates SEQR the way SEQR's official webshop sample and plugin README
// describe it (PROTOCOL.md §11): sendInvoice with backURL = the done page and notificationUrl = the
// status script with no reference in it; the status script reads the invoiceReference parameter, by
// GET (the plugin's poll) or by POST (SEQR's notification), and asks getPaymentStatus. Our own code,
// written to that description, so a test can run it against the sandbox under `php -S`.
// Configuration from the environment: SEQR_WSDL_URL, SEQR_TERMINAL_ID, SEQR_TERMINAL_PASSWORD,
// SHOP_BASE_URL (where `php -S` serves this folder), SHOP_LOG (a file the shop appends events to).

function seqr_client() {
    return new SoapClient(getenv('SEQR_WSDL_URL'), array('cache_wsdl' => WSDL_CACHE_NONE, 'exceptions' => true));
}

function seqr_context() {
    return array(
        'initiatorPrincipalId' => array('id' => getenv('SEQR_TERMINAL_ID'), 'type' => 'TERMINALID'),
        'password' => getenv('SEQR_TERMINAL_PASSWORD'),
        'clientRequestTimeout' => '0',
    );
}

function shop_log($event) {
    file_put_contents(getenv('SHOP_LOG'), json_encode($event) . "\n", FILE_APPEND | LOCK_EX);
}
