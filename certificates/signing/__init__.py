"""Certificates that prove themselves (issue 19): office signing keys under a province root,
PAdES signatures on the PDFs, a signed statement in the QR code, and the checks of both."""
