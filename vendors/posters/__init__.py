"""VietQR posters in the tracker: issued poster records, their endpoints, and reading QR codes."""
