"""Sign-in by phone: asking for a one-time code (sent at once through the SMS sender) and the
page that signs in with it. The codes' rules live in app/auth/sms.py."""
