"""Community activities, sign-ups, attendance and QR check-in."""
