"""The prose of docs/reference/scenario.md around the tables :mod:`defsim.scenario.schema_doc`
writes from the schema: the page's introduction, the notes under a block (the rules its
validator enforces), and the closing section on overrides."""

INTRO = """
# Scenario format reference

A scenario is one YAML file. Unknown keys are errors (with a "did you mean" hint), so a typo
never passes silently. `defsim validate FILE` checks a file; `defsim schema` prints the JSON
Schema for editors. This page is generated from the schema itself (`defsim/scenario/schema*.py`),
so every key below is one the loader accepts, with the default and bounds it applies.

In the tables, *type* says how a value is written, *unit* what a plain number means,
*default* what an absent key means ("required": it must be given), and *bounds* the range the
loader accepts. `NAME` in a path is a name you choose (a site, a threat type), `[]` a list item.

## What a file may hold

YAML is read as plain data only: mappings, lists, strings, numbers, `true`/`false`, `null` and
dates. Anchors, aliases and merge keys work (`<<: *battery` then keys that override it). Refused,
each with its line: other tags (`!!set`, `!!binary`, `!!python/...`); an alias inside what it
names; more than 40 levels of nesting; more than 200,000 values once aliases are expanded; a file
over 4 MiB; a file that is not UTF-8; a character YAML does not allow (a control character); tabs
for indentation.

Every number is bounded, so a file that validates also runs. Counts are whole numbers up to
10^12, costs up to 10^15, probabilities from 0 to 1 (written 0.7 or 70%), dates from 1900 to 2200
with no time zone (the run must end by 2200-12-31), layers up to 100, latitudes and longitudes
in degrees. A number with hundreds of digits is refused with the same message as any other
number out of its bounds.

Things that are valid but never happen are warnings, not errors: a wave, raid, stream, delivery,
transfer, route event, producer start or approval at or after the end of the run. How much work
a file asks for is checked before it runs (see `--allow-work` in `defsim run --help`).

## Units

| kind | written as | plain number means |
|---|---|---|
| duration | `30s`, `45m`, `6h`, `3d`, `2w` (also `min`, `hr`, `day(s)`, `week(s)`, `month`, `yr`) | days |
| period (`every:`) | a duration of at least one second (`1s`) | days |
| rate | `20/h`, `2/d`, `10/month`, `500/yr`, `3/2w` | per day |
| time point | a duration after the start (`36h`, `3d`) or, with `start:`, a date `2024-02-12` or date-time `2024-02-12T03:00` | days after the start |
| time of day | `"02:00"` (quote it: YAML reads an unquoted 02:00 as a number; defsim accepts that too) | — |

A month is 365.25/12 days, a year 365.25 days. A rate's period must be longer than zero
(`5/0d` is refused). Whatever recurs (raids, deliveries, shipments, allocations,
cross-levelling) does so at most once a second: every occurrence is an event the run processes,
and the number of them over the run counts towards the work bound.

Sites, stockpiles and producers are *holders*: their names must differ, and `outside` is
reserved for rounds coming from outside the scenario.
"""

NOTES: dict[str, str] = {
    "Knob": """
A knob sets one key that exists in the file, as `--set key=value` would (`key` is the same
path). With `min:` and `max:` it is a slider; its value is the number, or the number followed by
`unit` (`4/d` with `unit: /d`), and the file's value must lie in the range. With `options:` it
is a choice. With neither, the key must hold `true`/`false` (a toggle) or a date (a date
picker). At most 40 knobs; one per key. A scenario without `knobs:` gets knobs derived from it
(stocks, fire channels, salvo sizes, deliveries, stream rates, transfers on or off, approval,
ramp and route-event dates). See docs/howto/explorer.md.
""",
    "InterceptorType": """
`pk` keys are threat type names or threat classes, plus `default`: a threat type name wins over
its class, the class over `default`; no match means 0 (the type cannot engage that threat).
""",
    "Site": """
Each engagement uses the first type in `interceptors` that can kill the threat (`pk > 0`), has
a ready round and is not held in reserve. Threats a site does not `engage` leak as
`not_engaged`; priority decides who gets a channel that frees up, and among equals the oldest
waiting threat goes first.
""",
    "TimeDistribution": """
A plain duration is the fixed form: `engagement_time: 10m` is `{dist: fixed, value: 10m}`.
Each `dist` takes exactly its own keys: `fixed` a `value`, `exponential` a `mean`, `uniform`
`low` and `high`, `triangular` `low`, `mode` and `high` (low ≤ mode ≤ high).
""",
    "Launchers": """
`count * rounds` rounds can be ready; one reload crew per type loads up to `rounds` rounds from
the site's magazine every `reload_time` while there is room. A type without launchers has every
round ready.
""",
    "Doctrine": """
A threat is killed in a cycle with probability `1 - (1 - p)^n` for `n` rounds of effective kill
probability `p`; it holds its fire channel for every cycle it is engaged. When fewer rounds are
ready than `shots`, the rest go (a partial salvo). A salvo has exactly one opportunity.
""",
    "KillAssessment": """
After each shoot-look-shoot cycle a live threat is judged alive (and shot at again) with
`p_live_judged_alive`; a dead one is wrongly judged alive with `p_dead_judged_alive` (rounds
wasted).
""",
    "ReserveRule": """
Other threats use that type only while more than `keep` rounds remain.
""",
    "RationRule": """
Rules apply while the site holds fewer than `below` rounds; a threat the rule no longer
engages leaks as `rationed`.
""",
    "RaidSize": """
Give a number (`ballistic: 1`), or exactly one of `poisson:`, `uniform:`, `fixed:`.
""",
    "Attack": """
Each item is exactly one of `wave:`, `raid:`, `stream:`. `targets` is a site or asset name, a
list of them (equal weights) or a map of name → weight; each threat picks its target
independently with those weights.
""",
    "Raid": """
With `at`, each raid is moved to that time of day (relative to `start`'s clock, or midnight of
day 0).
""",
    "Delivery": """
The simple supply form: a route named `SOURCE -> TO` with no lead time. Delivered rounds go to
the site's magazine (and onto launchers by reloads), or straight to ready rounds for a type
without launchers. `summary.json` counts deliveries by `source`.
""",
    "Allocation": """
`lowest_stock_first` gives one round at a time to whoever holds least (counting rounds on the
way); `proportional_to_use` shares in proportion to rounds each recipient fired since the last
allocation (equal shares when none fired); `priority` fills in the order of `to`.
""",
    "Stockpile": """
Routes into a stockpile with a `capacity` ship only what fits (held + on the way).
""",
    "Producer": """
Give exactly one of `rate` and `ramp`. Round *k* is finished when the integral of the rate since
`start` reaches *k* (production is deterministic). The route to `to` is named `PRODUCER -> TO`.
""",
    "Transfer": """
Each transfer is one of three kinds:

- **shipments**: `at` and `quantity`, optionally `every` (and `until`) to repeat;
- **a standing flow**: `rate` (with `batch`: `batch` rounds every `batch / rate`), from `at`
  until `until`;
- **backfill**: `backfill: ROUTE`: whenever ROUTE delivers *n* rounds to this transfer's
  `from`, this route ships `n * fraction` of them on to `to` (fractions carry over, so the total
  released is always the whole part of `fraction * delivered`). ROUTE may be another transfer's
  `name` or a producer's route `PRODUCER -> TO`. A loop of backfill links is an error.

What `floor` holds back is counted as `not_shipped`; lost shipments are recorded as `lost`.
`--set transfers.0.enabled=false` cuts a route for a what-if.
""",
    "RouteEvent": """
`route` is a route's name: a transfer's `name` (default `FROM -> TO`), a producer's
`PRODUCER -> TO`, a delivery's `SOURCE -> TO`. Actions:

- `pause`: what would leave waits (`waiting: keep`, the default) or is dropped
  (`waiting: drop`) until a `resume`;
- `resume`: what waited leaves now;
- `cancel`: nothing more leaves on the route; what waited is dropped;
- `delay`: shipments in transit arrive `by` later (only `delay` takes `by`).

Every event is an `events.csv` row and a line of the summary's decisions log.
""",
    "Resupply": """
An order a stockpile cannot fill at once is owed (base stock) or re-checked (reorder point) when
the stockpile next receives rounds; the route is named `FROM -> SITE (reorder)`. A stockpile that
owes several sites serves the oldest order first, whatever the order of the sites in the file.

With `trigger: demand` and a long `time_to_impact`, a threat that finds no round waits for the
next one (the backorder model); with `trigger: shot` and `time_to_impact: 0` it leaks (the
lost-sales model). See [background](../background.md), Palm's theorem.
""",
    "CrossLevel": """
Every period, when the fullest and the emptiest of `sites` differ by more than `threshold`
rounds, half the difference moves from the fullest to the emptiest (route `cross-level A -> B`).
""",
    "AttackerStock": """
Raids and streams launch a threat of a listed type only while the attacker has one (stock +
rate × time − launched). Types not listed are unlimited. The summary reports what was planned,
launched and not launched.
""",
}

OUTRO = """
## Overrides

`--set path.to.key=value` (repeatable) changes a key before validation. The value is read as
YAML, so `--set sites.Battery.stock.interceptor=200` sets a number and
`--set "attacks.0.stream.rate=6/d"` a rate. List items are addressed by index. A wrong path or
value gets the same clear error as the file, naming the override instead of a line.
"""
