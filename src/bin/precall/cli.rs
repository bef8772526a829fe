//! The CLI proper (native only).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use lexopt::prelude::*;
use precall::model::*;
use precall::{assess, Request};

const USAGE: &str = "\
usage:
  precall check SNAPSHOT.json [--now RFC3339] [--config CONFIG.json] [--purpose reminder|followup|invite|offer] [--log LOG.json] [--templates TEMPLATES.json]
  precall audit PATIENTS.jsonl [--now RFC3339] [--config CONFIG.json] [--purpose P]
  precall prefs \"TEXT\" | --file NOTES.txt [--locale ru|en]
  precall extract PAGE.html [--url URL] [--profile NAME|FILE] [--related REPLIES.json] [--zone ZONE]
  precall report LOG.json|LOG.csv [--from DATE] [--to DATE] [--by day|week|month] [--caller NAME] [--config CONFIG.json] [--json]

extract: without --profile, the page's profile is picked by URL and DOM signature. A profile with
related reads (same-origin, read-only) prints the requests it would make; --related gives their
replies (section -> the MIS's JSON reply), with date-times shown in --zone (default Europe/Moscow).

report: the report page's numbers over a call-log export (the options page's JSON or CSV), as the
CSV the page exports (--json: the whole report); the period defaults to the log's first and last
day, the step to month; the cadence (attempt cap, cooldown) comes from --config.";

/// A failure to report: a message, and the exit code (2 for bad input).
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

pub fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("precall: {msg}");
            ExitCode::from(2)
        }
    }
}

#[derive(Default)]
struct Options {
    positional: Vec<String>,
    now: Option<String>,
    config: Option<String>,
    purpose: Option<String>,
    log: Option<String>,
    file: Option<String>,
    locale: Option<String>,
    url: Option<String>,
    profile: Option<String>,
    templates: Option<String>,
    related: Option<String>,
    zone: Option<String>,
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    caller: Option<String>,
    json: bool,
}

fn parse_args() -> Result<(String, Options), Fail> {
    let mut parser = lexopt::Parser::from_env();
    let mut command = None;
    let mut o = Options::default();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("now") => o.now = Some(parser.value()?.string()?),
            Long("config") => o.config = Some(parser.value()?.string()?),
            Long("purpose") => o.purpose = Some(parser.value()?.string()?),
            Long("log") => o.log = Some(parser.value()?.string()?),
            Long("file") => o.file = Some(parser.value()?.string()?),
            Long("locale") => o.locale = Some(parser.value()?.string()?),
            Long("url") => o.url = Some(parser.value()?.string()?),
            Long("profile") => o.profile = Some(parser.value()?.string()?),
            Long("templates") => o.templates = Some(parser.value()?.string()?),
            Long("related") => o.related = Some(parser.value()?.string()?),
            Long("zone") => o.zone = Some(parser.value()?.string()?),
            Long("from") => o.from = Some(parser.value()?.string()?),
            Long("to") => o.to = Some(parser.value()?.string()?),
            Long("by") => o.by = Some(parser.value()?.string()?),
            Long("caller") => o.caller = Some(parser.value()?.string()?),
            Long("json") => o.json = true,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            Value(v) if command.is_none() => command = Some(v.string()?),
            Value(v) => o.positional.push(v.string()?),
            _ => return Err(Fail(format!("{}\n{USAGE}", arg.unexpected()))),
        }
    }
    let command = command.ok_or_else(|| Fail(USAGE.to_string()))?;
    Ok((command, o))
}

fn run() -> Result<(), Fail> {
    let (command, o) = parse_args()?;
    match command.as_str() {
        "check" => check(&o),
        "audit" => audit(&o),
        "prefs" => prefs(&o),
        "extract" => extract(&o),
        "report" => report(&o),
        other => Err(Fail(format!("unknown command {other:?}\n{USAGE}"))),
    }
}

fn read(path: &str) -> Result<String, Fail> {
    std::fs::read_to_string(path).map_err(|e| Fail(format!("{path}: {e}")))
}

fn one_positional<'a>(o: &'a Options, what: &str) -> Result<&'a str, Fail> {
    match o.positional.as_slice() {
        [one] => Ok(one),
        _ => Err(Fail(format!("expected one {what}\n{USAGE}"))),
    }
}

/// `--now`, or the system clock: the CLI may read the clock, the core never does.
fn now(o: &Options) -> Result<DateTime<Utc>, Fail> {
    match &o.now {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| Fail(format!("--now {s:?}: {e} (expected RFC 3339, e.g. 2026-11-23T10:00:00+03:00)"))),
        None => {
            let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
            DateTime::from_timestamp(since_epoch.as_secs() as i64, 0)
                .ok_or_else(|| Fail("the system clock is out of range".into()))
        }
    }
}

fn config(o: &Options) -> Result<Config, Fail> {
    match &o.config {
        Some(path) => Ok(parse_strict::<Config>(path, &read(path)?)?),
        None => Ok(Config::default()),
    }
}

fn purpose(o: &Options) -> Result<Option<Purpose>, Fail> {
    o.purpose
        .as_deref()
        .map(|p| {
            serde_json::from_value::<Purpose>(serde_json::Value::String(p.to_string()))
                .map_err(|_| Fail(format!("--purpose {p:?}: expected reminder, followup, invite or offer")))
        })
        .transpose()
}

fn check(o: &Options) -> Result<(), Fail> {
    let path = one_positional(o, "SNAPSHOT.json")?;
    let snapshot: Snapshot = parse_strict(path, &read(path)?)?;
    let own_log = match &o.log {
        Some(log) => Some(parse_strict::<Vec<Communication>>(log, &read(log)?)?),
        None => None,
    };
    let request =
        Request { snapshot, config: config(o)?, now: now(o)?, purpose: purpose(o)?, own_log, ..Default::default() };
    let assessment = assess(&request, &TzDatabase)?;
    let templates = o.templates.as_deref().map(read).transpose()?;
    let script =
        precall::script::build_with_json(&assessment, &request.snapshot, &request.config, templates.as_deref());
    // The assessment, then the script and drafts written for this patient.
    let mut out = serde_json::to_value(&assessment)?;
    if let (Some(map), serde_json::Value::Object(extra)) = (out.as_object_mut(), serde_json::to_value(&script)?) {
        map.extend(extra);
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// One verdict line per patient and totals per verdict and rule, for a planned call list.
fn audit(o: &Options) -> Result<(), Fail> {
    let path = one_positional(o, "PATIENTS.jsonl")?;
    let file = std::fs::File::open(path).map_err(|e| Fail(format!("{path}: {e}")))?;
    let (config, now, purpose) = (config(o)?, now(o)?, purpose(o)?);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut verdicts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut rules: BTreeMap<String, usize> = BTreeMap::new();
    let (mut total, mut errors) = (0usize, 0usize);
    let mut request = Request { config, now, purpose, ..Default::default() };
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let line_no = index + 1;
        let parsed = parse_strict::<Snapshot>(&format!("{path}:{line_no}"), &line).and_then(|snapshot| {
            request.snapshot = snapshot;
            assess(&request, &TzDatabase)
        });
        match parsed {
            Ok(a) => {
                let id = request.snapshot.patient.as_ref().and_then(|p| p.id.as_deref()).unwrap_or("-");
                *verdicts.entry(a.verdict.as_str()).or_default() += 1;
                let mut ids: Vec<&str> = a.findings.iter().map(|f| f.rule.as_str()).collect();
                ids.dedup();
                for rule in &ids {
                    *rules.entry(rule.to_string()).or_default() += 1;
                }
                writeln!(out, "{line_no}\t{id}\t{}\t{}", a.verdict.as_str(), ids.join(","))?;
            }
            Err(e) => {
                errors += 1;
                writeln!(out, "{line_no}\t-\terror\t{e}")?;
            }
        }
    }
    writeln!(out, "# total\t{total}")?;
    for v in Verdict::ALL {
        writeln!(out, "# verdict\t{}\t{}", v.as_str(), verdicts.get(v.as_str()).copied().unwrap_or(0))?;
    }
    for (rule, n) in &rules {
        writeln!(out, "# rule\t{rule}\t{n}")?;
    }
    writeln!(out, "# errors\t{errors}")?;
    out.flush()?;
    if errors > 0 {
        return Err(Fail(format!("{errors} of {total} lines could not be read (see the error lines above)")));
    }
    Ok(())
}

fn prefs(o: &Options) -> Result<(), Fail> {
    let vague = config(o)?.vague_windows;
    let print = |note: &str| -> Result<(), Fail> {
        let p = precall::prefs::parse_note(note, &vague);
        println!("{}", serde_json::to_string(&p)?);
        Ok(())
    };
    match (&o.file, o.positional.as_slice()) {
        (Some(file), []) => {
            for line in read(file)?.lines().filter(|l| !l.trim().is_empty()) {
                print(line)?;
            }
            Ok(())
        }
        (None, [text]) => print(text),
        _ => Err(Fail(format!("expected one TEXT or --file NOTES.txt\n{USAGE}"))),
    }
}

fn extract(o: &Options) -> Result<(), Fail> {
    use precall::extract::{builtin_profiles, extract, html::HtmlDom, pick_profile, Profile};
    let path = one_positional(o, "PAGE.html")?;
    let html = read(path)?;
    let dom = HtmlDom::parse(&html);
    let url = o.url.clone().unwrap_or_default();
    let builtin = builtin_profiles();
    let named: Option<Profile> = match &o.profile {
        None => None,
        Some(name) => match builtin.iter().find(|p| &p.name == name) {
            Some(p) => Some(p.clone()),
            None => Some(Profile::from_json(&read(name)?).map_err(|e| Fail(format!("{name}: {e}")))?),
        },
    };
    let profile = match &named {
        Some(p) => p,
        None => pick_profile(&builtin, &url, &dom).ok_or_else(|| {
            let names: Vec<&str> = builtin.iter().map(|p| p.name.as_str()).collect();
            Fail(format!("no profile recognises this page (built-in: {}); name one with --profile", names.join(", ")))
        })?,
    };
    let mut extraction = extract(&dom, profile, &url);
    let requests: Vec<_> = precall::extract::related::requests(&dom, profile, &url)
        .into_iter()
        .map(|r| match r {
            Ok(req) => serde_json::to_value(req).unwrap_or_default(),
            Err((section, why)) => serde_json::json!({ "section": section, "cannot": why }),
        })
        .collect();
    if let Some(file) = &o.related {
        let replies: BTreeMap<String, serde_json::Value> = parse_strict(file, &read(file)?)?;
        let zone = o.zone.as_deref().unwrap_or("Europe/Moscow");
        precall::extract::related::apply_replies_native(&mut extraction, profile, &replies, zone);
    }
    let (snapshot, problems) = snapshot_from_value(extraction.snapshot.clone());
    let mut out = serde_json::json!({
        "profile": extraction.profile,
        "snapshot": snapshot,
        "coverage": extraction.coverage,
        "problems": problems,
    });
    if !requests.is_empty() {
        out["related_requests"] = serde_json::Value::Array(requests);
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// `precall report`: the report over a call-log export, as the report page shows and exports it.
fn report(o: &Options) -> Result<(), Fail> {
    use precall::report::{self, Granularity, Query};
    let path = one_positional(o, "call-log export (JSON or CSV)")?;
    let parsed = precall::calllog::parse_import(&read(path)?).map_err(|e| Fail(format!("{path}: {e}")))?;
    for r in &parsed.rejected {
        eprintln!("precall: {path}: skipped {r}");
    }
    let dates: Vec<chrono::NaiveDate> = parsed.entries.iter().map(|e| e.at.naive.date()).collect();
    let date =
        |flag: &str, v: &Option<String>, default: Option<chrono::NaiveDate>| -> Result<chrono::NaiveDate, Fail> {
            match v {
                Some(s) => s.parse().map_err(|e| Fail(format!("--{flag} {s:?}: {e} (expected YYYY-MM-DD)"))),
                None => default.ok_or_else(|| Fail(format!("{path}: no entries; give --from and --to"))),
            }
        };
    let by = match o.by.as_deref().unwrap_or("month") {
        "day" => Granularity::Day,
        "week" => Granularity::Week,
        "month" => Granularity::Month,
        other => return Err(Fail(format!("--by {other:?}: expected day, week or month"))),
    };
    let query = Query {
        from: date("from", &o.from, dates.iter().min().copied())?,
        to: date("to", &o.to, dates.iter().max().copied())?,
        by,
        caller: o.caller.clone(),
        locale: Locale::Ru,
        labels: Default::default(),
    };
    let r = report::report(&parsed.entries, &query, &config(o)?).map_err(|e| Fail(e.0))?;
    let mut out = std::io::stdout().lock();
    if o.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
    } else {
        out.write_all(report::csv(&r, &query).as_bytes())?;
    }
    Ok(())
}
