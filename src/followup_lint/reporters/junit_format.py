"""JUnit XML, for CI services that show test reports (GitLab, Jenkins, Azure Pipelines, CircleCI).

One `<testsuite>` per file; one `<testcase>` per finding (name: the rule id, classname: the path). A
finding at or above `--fail-on` fails its case (`<failure type=severity>` with the position and message);
one below it passes, with the same line in `<system-out>`, as the exit code passes it. A file without
findings is one passing test case, and a file that could not be read is an `<error>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..findings import SEVERITY_RANK, FileReport, Finding
from . import ReportOptions, relative_path

# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(reports: Sequence[FileReport], options: ReportOptions) -> str:
    root = ET.Element("testsuites", name="followup-lint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for report in reports:
        suite = testsuite(report, options.fail_on)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def testsuite(report: FileReport, fail_on: str = "info") -> ET.Element:
    path = relative_path(report.path)
    suite = ET.Element("testsuite", name=_xml(path), package="followup-lint")
    if report.error:
        case = ET.SubElement(suite, "testcase", name="read", classname=_xml(path))
        ET.SubElement(case, "error", message=_xml(report.error), type="InputError").text = _xml(report.error)
        suite.attrib.update(tests="1", failures="0", errors="1")
        return suite
    threshold = SEVERITY_RANK.get(fail_on, len(SEVERITY_RANK))  # "never": nothing fails
    failing = [SEVERITY_RANK[finding.severity] >= threshold for finding in report.findings]
    for finding, fails in zip(report.findings, failing):
        suite.append(testcase(path, finding, fails))
    if not report.findings:
        ET.SubElement(suite, "testcase", name="followup-lint", classname=_xml(path))
    suite.attrib.update(tests=str(max(1, len(report.findings))), failures=str(sum(failing)), errors="0")
    return suite


def testcase(path: str, finding: Finding, fails: bool = True) -> ET.Element:
    case = ET.Element("testcase", name=finding.rule, classname=_xml(path), file=_xml(path), line=str(finding.line))
    line = _xml(f"{path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} {finding.message}")
    if fails:
        failure = ET.SubElement(case, "failure", message=_xml(finding.message), type=finding.severity)
        failure.text = line
    else:
        ET.SubElement(case, "system-out").text = line
    return case


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
