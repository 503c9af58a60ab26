"""The commented starter file written by ``ig init``."""
from __future__ import annotations

import re

from .errors import InfluenceGraphError
from .limits import MAX_ID_LENGTH

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

TEMPLATE = """\
# influence-graph account file. Check it with `ig validate {file}`,
# analyze it with `ig analyze {file}`, draw it with `ig map {file} -o map.html`.
# Editors: `ig schema > influence-graph.schema.json` gives autocomplete and checks.
# Ids are slugs (a-z, 0-9, '-', '_'). Unknown keys are errors, so typos show up.
format: influence-graph/1

account:
  id: {account_id}
  name: {name}
  industry: ""            # e.g. Automotive
  notes: ""

departments:              # parent: <department id> nests a department
  - {{id: exec, name: Executive Office, function: executive}}
  - {{id: purchasing, name: Purchasing, function: procurement, parent: exec}}

people:
  # level: 1 = top (board, CEO) … 6 = individual contributor; derived from reports_to if absent
  # roles: decision_maker, economic_buyer, technical_buyer, user_buyer, influencer, gatekeeper, coach
  # stance: champion | supporter | neutral | skeptic | opponent | unknown, or a number in [-1, 1]
  # susceptibility: 0..1, how far they are swayed by those they listen to (default 0.5)
  - id: ceo
    name: CEO Name
    title: CEO
    department: exec
    level: 1
    roles: [decision_maker]
    stance: unknown
  - id: buyer
    name: Buyer Name
    title: Head of Purchasing
    department: purchasing
    reports_to: ceo
    roles: [economic_buyer, gatekeeper]
    stance: neutral
    personality: ""
    interests: []

channels:                 # informal influence: `from` influences `to`
  # kind: advice, trust, friendship, expertise, budget, political, family, alumni, rivalry
  # strength in (0, 1], default 0.5; mutual: true means both directions
  - {{from: buyer, to: ceo, kind: budget, strength: 0.6, evidence: "CEO signs what purchasing recommends"}}

department_relations: []  # - {{a: exec, b: purchasing, kind: alliance, strength: 0.5}}   (alliance | rivalry)

team:                     # our side
  - {{id: kam, name: Your Name, role: key_account_manager}}

relationships:            # how close each of us is: clip (1/3) | zipper (2/3) | velcro (1), or a number in (0, 1]
  - {{member: kam, person: buyer, strength: zipper}}

competitors: []           # - {{id: rivalco, name: RivalCo}}
competitor_relationships: []  # - {{competitor: rivalco, person: ceo, strength: velcro}}

touches: []               # - {{date: 2026-11-20, member: kam, people: [buyer], kind: meeting, summary: "", next_step: ""}}

opportunity:
  name: {name} — first bid
  # value: 1000000
  # currency: EUR
  # close_date: 2027-06-30
  # decision_unit: [ceo, buyer]   # default: everyone with decision_maker or economic_buyer
"""


def account_template(account_id: str, file_name: str = "") -> str:
    """A commented, valid starter account file for ``account_id``."""
    if not _SLUG.match(account_id) or len(account_id) > MAX_ID_LENGTH:
        shown = account_id if len(account_id) <= 60 else account_id[:59] + "…"
        raise InfluenceGraphError(
            f"{shown!r} is not a valid account id (lowercase letters, digits, '-' and '_', starting with a letter "
            f"or digit; at most {MAX_ID_LENGTH} characters)"
        )
    name = " ".join(part.capitalize() for part in re.split(r"[-_]+", account_id))
    return TEMPLATE.format(account_id=account_id, name=name, file=file_name or f"{account_id}.yaml")
