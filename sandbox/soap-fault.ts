// A SOAP 1.1 Fault, for requests that are not SOAP we can process (never for business errors).
export function soapFault(faultcode: 'soap:Client' | 'soap:Server', faultstring: string): string {
  const escaped = faultstring.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
    `<faultcode>${faultcode}</faultcode><faultstring>${escaped}</faultstring>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}
