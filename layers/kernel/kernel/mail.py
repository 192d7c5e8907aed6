"""Amazon SES v2 adapter: send one plain-text email, and tell a failure worth retrying from one that is not.

Text only, never HTML: bodies are what people typed, markup included, and must reach the reader as text."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from kernel import clients

# SES refuses these for the email itself or the account's setup: sending again would fail the same way.
PERMANENT_CODES = frozenset(
    {"MessageRejected", "BadRequestException", "NotFoundException", "MailFromDomainNotVerifiedException"}
)


@dataclass(frozen=True)
class Email:
    sender: str
    to: tuple[str, ...]
    reply_to: tuple[str, ...]
    subject: str
    text: str


class SendFailed(Exception):
    """SES did not take the email. `permanent`: retrying cannot help (rejected, bad request, unverified sender);
    otherwise (throttling, quota, a service or network fault) a retry may."""

    def __init__(self, code: str, permanent: bool) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent


def send(email: Email) -> str:
    """Send `email`; return SES's message id. SendFailed when SES did not take it."""
    request = {
        "FromEmailAddress": email.sender,
        "Destination": {"ToAddresses": list(email.to)},
        "Content": {
            "Simple": {
                "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"}},
            }
        },
    }
    if email.reply_to:
        request["ReplyToAddresses"] = list(email.reply_to)
    try:
        response = clients.sesv2().send_email(**request)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "ClientError")
        raise SendFailed(code, permanent=code in PERMANENT_CODES) from error
    except BotoCoreError as error:
        raise SendFailed(type(error).__name__, permanent=False) from error
    return str(response["MessageId"])
