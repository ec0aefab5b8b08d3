// Reads {"build": [...], "parse": [...]} as JSON on stdin and answers on stdout with what the
// vietnam-qr-pay package builds from each input and reads from each payload.
"use strict";
const { QRPay } = require("vietnam-qr-pay");

function build(input) {
  const qr = QRPay.initVietQR({
    bankBin: input.bin,
    bankNumber: input.account,
    amount: input.amount === null ? undefined : String(input.amount),
    purpose: input.purpose === null ? undefined : input.purpose,
    service: input.service,
  });
  if (input.bill_number !== null) qr.additionalData.billNumber = input.bill_number;
  if (input.merchant_name !== null) qr.merchant.name = input.merchant_name;
  if (input.merchant_city !== null) qr.city = input.merchant_city;
  return qr.build();
}

function read(payload) {
  const qr = new QRPay(payload);
  return {
    valid: qr.isValid,
    guid: qr.provider.guid ?? null,
    bin: qr.consumer.bankBin ?? null,
    account: qr.consumer.bankNumber ?? null,
    service: qr.provider.service ?? null,
    init_method: qr.initMethod ?? null,
    amount: qr.amount ?? null,
    currency: qr.currency ?? null,
    country: qr.nation ?? null,
    purpose: qr.additionalData.purpose ?? null,
    bill_number: qr.additionalData.billNumber ?? null,
    merchant_name: qr.merchant.name ?? null,
    merchant_city: qr.city ?? null,
    rebuilt: qr.isValid ? qr.build() : null,
  };
}

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(text);
  const answer = {
    built: (request.build || []).map(build),
    read: (request.parse || []).map(read),
  };
  process.stdout.write(JSON.stringify(answer));
});
