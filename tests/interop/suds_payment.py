"""Python suds against the sandbox, written the way SEQR's official payment.py example was:
types created with client.factory.create('ns0:...'), a full pay flow, polling while ISSUED.

Usage: /usr/bin/python3 suds_payment.py <wsdlUrl> <terminalId> <terminalPassword> <controlBaseUrl>
Prints one JSON object with the observed results.
"""
import json
import logging
import sys
import time
import urllib.request

from suds.client import Client

logging.disable(logging.CRITICAL)
wsdl, terminal_id, terminal_password, control = sys.argv[1:5]


def customer(ref, action):
    request = urllib.request.Request(f'{control}/sandbox/invoices/{ref}/{action}', data=b'', method='POST')
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


out = {}
try:
    client = Client(wsdl, cache=None)

    context = client.factory.create('ns0:clientContext')
    context.clientRequestTimeout = 0
    context.channel = 'WS'
    context.clientId = 'suds interop'
    context.clientReference = 'suds-payment 1.0'
    principal = client.factory.create('ns0:principalId')
    principal.id = terminal_id
    principal.type = 'TERMINALID'
    context.initiatorPrincipalId = principal
    context.password = terminal_password

    invoice = client.factory.create('ns0:invoice')
    invoice.paymentMode = 'IMMEDIATE_DEBIT'
    invoice.acknowledgmentMode = 'NO_ACKNOWLEDGMENT'
    invoice.title = 'suds shop'
    invoice.clientInvoiceId = 'suds-1'
    amount = client.factory.create('ns0:amount')
    amount.currency = 'SEK'
    amount.value = '24.00'
    invoice.totalAmount = amount
    row = client.factory.create('ns0:paymentInvoiceRow')
    row.itemDescription = 'Coffee'
    row.itemQuantity = 2
    row_amount = client.factory.create('ns0:amount')
    row_amount.currency = 'SEK'
    row_amount.value = '24.00'
    row.itemTotalAmount = row_amount
    invoice.invoiceRows = {'invoiceRow': [row]}  # anonymous wrapper type: suds leaves it None
    invoice.backURL = 'http://localhost/suds/back'

    sent = client.service.sendInvoice(context, invoice)
    ref = sent.invoiceReference
    out['sendInvoice'] = {'resultCode': sent.resultCode, 'resultDescription': sent.resultDescription, 'invoiceReference': ref, 'invoiceQRCode': sent.invoiceQRCode}

    statuses = []
    status = client.service.getPaymentStatus(context, ref, 0)
    statuses.append(str(status.status))
    customer(ref, 'pay')
    while str(status.status) == 'ISSUED' and len(statuses) < 20:  # payment.py loops while ISSUED
        time.sleep(0.1)
        status = client.service.getPaymentStatus(context, ref, status.version)
        statuses.append(str(status.status))
    out['statuses'] = statuses
    out['paid'] = {'resultCode': status.resultCode, 'status': str(status.status), 'version': status.version,
                   'ersReference': status.ersReference, 'paymentReference': status.receipt.paymentReference,
                   'receiverName': status.receipt.receiverName}

    wrong = client.factory.create('ns0:clientContext')
    wrong.clientRequestTimeout = 0
    wrong_principal = client.factory.create('ns0:principalId')
    wrong_principal.id = terminal_id
    wrong_principal.type = 'TERMINALID'
    wrong.initiatorPrincipalId = wrong_principal
    wrong.password = 'not-the-password'
    out['wrongPassword'] = client.service.getPaymentStatus(wrong, ref, 0).resultCode

    cancel_me = client.service.sendInvoice(context, invoice).invoiceReference
    customer(cancel_me, 'cancel')
    out['customerCanceled'] = str(client.service.getPaymentStatus(context, cancel_me, 0).status)
    out['cancelCanceled'] = client.service.cancelInvoice(context, cancel_me).resultCode
except Exception as error:
    out['error'] = f'{type(error).__name__}: {error}'
print(json.dumps(out, default=str))
