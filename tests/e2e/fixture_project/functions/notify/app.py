"""Notify: send the email the request describes through SES v2 from the template's sender identity, as a
handler of the service would (the sender is `!Ref SenderIdentity`)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from fixturelib import respond


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    body = json.loads(event["body"] or "{}")
    reply = boto3.client("sesv2").send_email(
        FromEmailAddress=os.environ["SENDER"],
        Destination={"ToAddresses": [body["to"]]},
        Content={"Simple": {"Subject": {"Data": body["subject"]}, "Body": {"Text": {"Data": body["text"]}}}},
    )
    return respond(202, {"status": "success", "data": {"message_id": reply["MessageId"], "from": os.environ["SENDER"]}})
