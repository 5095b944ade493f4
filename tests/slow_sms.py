"""An SMS gateway for tests/test_scale_out.py (SMS_SENDER=tests.slow_sms:SlowGateway): each
send takes SLOW_SMS_SECONDS and is appended as one line to SLOW_SMS_LOG, so the deliveries
spread over the run and a send is counted even when its process dies right after it."""
import os
import time


class SlowGateway:
    def send(self, address: str, subject: str, body: str) -> None:
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0.3")))
        line = f"{os.getpid()}\t{address}\t{subject}\n".encode()
        fd = os.open(os.environ["SLOW_SMS_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
