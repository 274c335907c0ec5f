<?php
// The backURL: the final getPaymentStatus call that commits the payment, and the outcome shown.
require __DIR__ . '/seqr.php';
$reference = isset($_GET['invoiceReference']) ? $_GET['invoiceReference'] : '';
echo $reference === '' ? '<h1>Thank you</h1>' : '<h1>Payment ' . htmlspecialchars(seqr_client()->getPaymentStatus(array('context' => seqr_context(), 'invoiceReference' => $reference))->return->status) . '</h1>';
