//! Native throughput of the core (issue 9, `make bench`): assessments per second on the demo
//! patients (typical cards) and on the generated heavy card, and where the time of one heavy
//! check goes (extraction from a saved page, lenient snapshot reading, checks, panel, script).
//!
//!   cargo run --release --example throughput -- [--heavy SNAPSHOT.json] [--heavy-html PAGE.html]
//!       [--url URL] [--secs S] [--json]
//!
//! "One assessment" is what the browser does after reading the page: `rules::assess`, then
//! the panel (`present::panel`) and the call script (`script::build`) for it.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use precall::extract::{builtin_profiles, extract, html::HtmlDom, pick_profile};
use precall::model::*;
use precall::rules::{assess, Request};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// Runs `f` repeatedly for about `secs` (at least 3 times); returns calls per second and the
/// median time of one call.
fn rate(secs: f64, mut f: impl FnMut()) -> (f64, Duration) {
    f(); // warm-up
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < secs || times.len() < 3 {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    let total: Duration = times.iter().sum();
    times.sort();
    (times.len() as f64 / total.as_secs_f64(), times[times.len() / 2])
}

fn one(snapshot: &Snapshot, now: DateTime<Utc>) -> usize {
    let request = Request {
        snapshot: snapshot.clone(),
        config: Config::default(),
        now,
        purpose: None,
        own_log: None,
        problems: vec![],
        intended: None,
        own_log_unreadable: false,
    };
    let assessment = assess(&request, &TzDatabase).expect("assess");
    let panel = precall::present::panel(&assessment, &request.snapshot, Locale::default());
    let script = precall::script::build(&assessment, &request.snapshot, &request.config, None);
    panel.groups.len() + script.drafts.len()
}

fn main() {
    let secs: f64 = arg("--secs").and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let json = std::env::args().any(|a| a == "--json");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+03:00").unwrap().with_timezone(&Utc);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));

    // Typical: the 25 demo patients (the committed resolved copy), one pass over all of them
    // per call; the rate is per patient.
    let demo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures/demo_scenarios.json")).unwrap())
            .unwrap();
    let typical: Vec<Snapshot> =
        demo["patients"].as_array().unwrap().iter().map(|p| snapshot_from_value(p.clone()).0).collect();
    let (per_pass, _) = rate(secs, || {
        for s in &typical {
            std::hint::black_box(one(s, now));
        }
    });
    let typical_rate = per_pass * typical.len() as f64;

    let mut results = vec![("typical_assessments_per_s".to_string(), typical_rate)];

    if let Some(path) = arg("--heavy") {
        let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (heavy, problems) = snapshot_from_value(value.clone());
        assert!(problems.is_empty(), "heavy snapshot: {problems:?}");
        let (r, t) = rate(secs, || {
            std::hint::black_box(one(&heavy, now));
        });
        results.push(("heavy_assessments_per_s".into(), r));
        results.push(("heavy_assessment_ms".into(), t.as_secs_f64() * 1e3));
        let (_, t) = rate(secs / 2.0, || {
            std::hint::black_box(snapshot_from_value(value.clone()));
        });
        results.push(("heavy_snapshot_from_value_ms".into(), t.as_secs_f64() * 1e3));
    }

    if let Some(path) = arg("--heavy-html") {
        let html = std::fs::read_to_string(&path).unwrap();
        let url = arg("--url").unwrap_or_else(|| "http://127.0.0.1:8765/patients/heavy".into());
        let dom = HtmlDom::parse(&html);
        let profiles = builtin_profiles();
        let profile = pick_profile(&profiles, &url, &dom).expect("the demo profile reads the heavy page");
        let (_, t) = rate(secs / 2.0, || {
            std::hint::black_box(extract(&dom, profile, &url));
        });
        results.push(("heavy_extract_ms".into(), t.as_secs_f64() * 1e3));
    }

    if json {
        let map: serde_json::Map<String, serde_json::Value> =
            results.into_iter().map(|(k, v)| (k, serde_json::json!((v * 1000.0).round() / 1000.0))).collect();
        println!("{}", serde_json::Value::Object(map));
    } else {
        for (k, v) in results {
            println!("{k:32} {v:>12.3}");
        }
    }
}
