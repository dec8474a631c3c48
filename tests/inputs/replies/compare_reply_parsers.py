"""Compare reply-parsing libraries with the built-in extraction on the cases in cases.yaml and
written-blind.yaml.

Not a test: run it by hand after installing the libraries
(pip install mail-parser-reply quotequail email-reply-parser). A case passes when the library keeps
exactly the sender's own lines (blank lines aside) and nothing of the quoted mail or the signature.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

CASES = [case for name in ("cases.yaml", "written-blind.yaml")
         for case in yaml.safe_load((Path(__file__).parent / name).read_text(encoding="utf-8"))]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def built_in(text: str) -> str:
    from followup_lint.extract import extract_draft
    from followup_lint.read import Source

    return extract_draft(Source("reply.txt", text)).body


def email_reply_parser(text: str) -> str:
    from email_reply_parser import EmailReplyParser

    return EmailReplyParser.parse_reply(text)


def mail_parser_reply(text: str) -> str:
    from mailparser_reply import EmailReplyParser

    reply = EmailReplyParser(languages=["en"]).read(text)
    return reply.replies[0].body if reply.replies else ""


def quotequail(text: str) -> str:
    import quotequail

    return "\n".join(part for shown, part in quotequail.quote(text) if shown)


PARSERS = {"built-in": built_in, "email-reply-parser": email_reply_parser,
           "mail-parser-reply": mail_parser_reply, "quotequail": quotequail}


def main() -> int:
    for name, parse in PARSERS.items():
        passed, failed = 0, []
        started = time.perf_counter()
        for case in CASES:
            try:
                ok = lines(parse(case["text"])) == lines(case["own"])
            except Exception as error:  # a library that crashes on a case fails it
                ok = False
                case = {**case, "name": f"{case['name']} ({type(error).__name__})"}
            if ok:
                passed += 1
            else:
                failed.append(case["name"])
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{name:20} {passed}/{len(CASES)} cases  {elapsed:7.1f} ms   failed: {', '.join(failed) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
