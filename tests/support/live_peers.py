"""Every provider peer on 127.0.0.1 at once, for server-level tests: two SMTP
relays (the first always defers, the second wants STARTTLS and AUTH), a Twilio
Messages API and FCM HTTP v1 with its OAuth token endpoint."""

from __future__ import annotations

from pathlib import Path

from tests.peers.fcm import FcmPeer, write_service_account
from tests.peers.smtp import SmtpPeer
from tests.peers.tls import make_certificate
from tests.peers.twilio import TwilioPeer
from tests.support.loop_thread import LoopThread

SMTP_USER, SMTP_PASSWORD = "herald", "s3cret-pass"
MAX_ATTACHMENT_BYTES = 4096


class Peers:
    def __init__(self, tmp: Path) -> None:
        self.thread = LoopThread()
        certificate = make_certificate(tmp)
        self.certfile = certificate.certfile
        self.deferring = self.thread.run(SmtpPeer(rcpt_reply="451 4.3.0 Try later").start())
        self.smtp = self.thread.run(
            SmtpPeer(
                starttls=certificate.server_context(),
                users={SMTP_USER: SMTP_PASSWORD},
                require_starttls=True,
            ).start()
        )
        self.twilio = self.thread.run(TwilioPeer().start())
        self.fcm = FcmPeer().start()
        self.service_account = write_service_account(tmp / "fcm.json", self.fcm.token_uri)
        self.fcm.trust(self.service_account)

    def env(self) -> dict[str, str]:
        return {
            "HERALD_SMTP_URL": ",".join(
                [
                    f"smtp://127.0.0.1:{self.deferring.port}",
                    f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{self.smtp.port}"
                    f"?starttls=true&cafile={self.certfile}",
                ]
            ),
            "HERALD_EMAIL_FROM": "Herald <noreply@herald.test>",
            "HERALD_TWILIO_ACCOUNT_SID": self.twilio.account_sid,
            "HERALD_TWILIO_AUTH_TOKEN": self.twilio.auth_token,
            "HERALD_TWILIO_FROM": "+15005550006",
            "HERALD_TWILIO_BASE_URL": self.twilio.base_url,
            "HERALD_FCM_CREDENTIALS": str(self.service_account.path),
            "HERALD_FCM_BASE_URL": self.fcm.base_url,
            "HERALD_MAX_ATTACHMENT_BYTES": str(MAX_ATTACHMENT_BYTES),
        }

    def close(self) -> None:
        self.fcm.stop()
        for peer in (self.deferring, self.smtp):
            self.thread.run(peer.close())
        self.thread.run(self.twilio.close())
        self.thread.stop()
