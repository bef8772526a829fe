//! The reader: tokens to statements, statements to phrases and time atoms, and all of them
//! to one `Preferences`, with conflicts put aside in `ambiguous`. The reading rules are the
//! ones in `tests/fixtures/prefs/README.md`.

use std::collections::BTreeSet;

use super::lexicon::{Head, Lex, Mer, Rel, Vague, ALL_DAYS};
use super::tokens::{Tok, T};
use super::week::Week;
use crate::model::{Channel, Preferences, VagueWindows};

const DAY: u16 = 24 * 60;
const MESSAGES: [Channel; 6] =
    [Channel::Sms, Channel::Whatsapp, Channel::Telegram, Channel::Viber, Channel::Max, Channel::Email];
const MESSENGERS: [Channel; 4] = [Channel::Whatsapp, Channel::Telegram, Channel::Viber, Channel::Max];

/// Minutes of the day; `from > to` wraps past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    from: u16,
    to: u16,
}

const FULL: Span = Span { from: 0, to: DAY };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Closed,
    /// "после 18": the end is open.
    From,
    /// "до 10": the start is open.
    To,
    Vague,
}

#[derive(Debug, Clone, Copy)]
enum AtomKind {
    Days(u8),
    Time(Span, Open),
    /// A range that ends before it starts.
    Bad,
}

#[derive(Debug, Clone, Copy)]
struct Atom {
    kind: AtomKind,
    except: bool,
    /// Token range, inclusive.
    first: usize,
    last: usize,
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Tok(usize),
    Atom(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Plain,
    Permit,
    Prefer,
}

#[derive(Debug, Clone)]
struct Phrase {
    neg: bool,
    only: bool,
    strength: Strength,
    heads: Vec<Head>,
    has_verb: bool,
    /// The phrase carries a day or time: a negation is about that time, not the channel.
    time_scoped: bool,
    /// "звонить в вацап": a call over a messenger.
    call_via_messenger: bool,
    /// Closed by a ✅/❌ or "нет" after it: the next channel starts a new phrase.
    closed: bool,
}

/// One statement, read.
struct Stmt {
    text: String,
    phrases: Vec<Phrase>,
    /// Day/time atoms in order: (atom, negative, conjunction before it).
    atoms: Vec<(Atom, bool, bool)>,
    /// For each atom, the phrase it belongs to.
    atom_phrase: Vec<Option<usize>>,
    persons: Vec<Rel>,
    bad_time: bool,
    unparsed: bool,
    /// It reports a contact that happened ("звонила в WhatsApp, не ответила"): a channel it
    /// names alone is no preference.
    narrative: bool,
    /// Advertising statements have no other effect.
    inert: bool,
    /// "в выходные тоже": adds to the statement before, does not complete it.
    also: bool,
    /// "самой пациентке не звонить": a ban on reaching the patient directly, not on a channel.
    myself: bool,
}

struct Reader<'a> {
    toks: &'a [Tok],
    vague: &'a VagueWindows,
    days_seen: u8,
}

/// Reads the tokens of all notes (each note ends with a `Hard` token) into one reading.
pub(crate) fn read(notes: &[&str], toks: &[Tok], vague: &VagueWindows) -> Preferences {
    let mut r = Reader { toks, vague, days_seen: 0 };
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut atoms: Vec<Atom> = Vec::new();
    let mut s = 0;
    for e in 0..toks.len() {
        if toks[e].t == T::Hard {
            if e > s {
                let items = r.extract(s, e, &mut atoms);
                for st in split_statements(toks, &items) {
                    if let Some(stmt) = r.statement(&st, &atoms, notes) {
                        stmts.push(stmt);
                    }
                }
            }
            s = e + 1;
        }
    }
    combine(&stmts)
}

fn word(t: &Tok) -> Option<Lex> {
    match t.t {
        T::Word(l) => Some(l),
        _ => None,
    }
}

struct Clock {
    h: u32,
    m: u32,
    mer: Option<Mer>,
    end: usize,
}

impl Clock {
    fn hour24(&self) -> u32 {
        match self.mer {
            Some(Mer::Pm) if self.h < 12 => self.h + 12,
            Some(Mer::Am) if self.h == 12 => 0,
            _ => self.h,
        }
    }

    /// A one-sided bound: bare 1-7 is afternoon or evening ("после 6").
    fn bound(&self) -> u16 {
        let h = if self.mer.is_none() && (1..=7).contains(&self.h) { self.h + 12 } else { self.hour24() };
        (h * 60 + self.m) as u16
    }
}

/// Both ends of "A-B" with the reading heuristics: bare 1-7 is pm, an end smaller than the
/// start moves by 12 hours when the start is before noon, am/pm override.
fn range(a: &Clock, b: &Clock) -> Option<Span> {
    let b_min = b.hour24() * 60 + b.m;
    let mut a_min = a.hour24() * 60 + a.m;
    let mut shifted = false;
    let pm_end = b.mer == Some(Mer::Pm) && (a.h + 12) * 60 + a.m < b_min;
    let bare_small = b.mer.is_none() && (1..=7).contains(&a.h);
    if a.mer.is_none() && a.h < 12 && (pm_end || bare_small) {
        a_min = (a.h + 12) * 60 + a.m;
        shifted = true;
    }
    let mut b_min = b_min;
    if b.mer.is_none() && b_min <= a_min && (a_min <= 12 * 60 || shifted) && b.h < 12 {
        let later = (b.h + 12) * 60 + b.m;
        if later > a_min {
            b_min = later;
        }
    }
    (b_min > a_min && b_min <= DAY as u32).then_some(Span { from: a_min as u16, to: b_min as u16 })
}

impl Reader<'_> {
    fn lex(&self, k: usize, e: usize) -> Option<Lex> {
        if k < e {
            word(&self.toks[k])
        } else {
            None
        }
    }

    fn vague_span(&self, v: Vague) -> Span {
        let r = |h: &crate::model::HoursRange| Span { from: h.from.minutes() as u16, to: h.to.minutes() as u16 };
        match v {
            Vague::Morning => r(&self.vague.morning),
            Vague::Lunch => r(&self.vague.lunch),
            Vague::Afternoon => r(&self.vague.afternoon),
            Vague::Evening => r(&self.vague.evening),
            Vague::Night => {
                Span { from: self.vague.evening.to.minutes() as u16, to: self.vague.morning.from.minutes() as u16 }
            }
            Vague::FirstHalf => Span { from: 0, to: 12 * 60 },
            Vague::SecondHalf => Span { from: 12 * 60, to: DAY },
            Vague::Full => FULL,
        }
    }

    fn vague_at(&self, k: usize, e: usize) -> Option<Vague> {
        match self.lex(k, e)? {
            Lex::Vague(v) | Lex::Mer(_, Some(v)) => Some(v),
            _ => None,
        }
    }

    fn clock_at(&self, i: usize, e: usize) -> Option<Clock> {
        if i >= e {
            return None;
        }
        let toks = self.toks;
        let h = match toks[i].t {
            T::Num { value, digits } if digits <= 2 => value,
            T::Word(Lex::NumWord(n)) => n as u32,
            _ => return None,
        };
        // Part of a date ("12.03.2024")?
        if i >= 2 && toks[i - 1].t == T::Dot && matches!(toks[i - 2].t, T::Num { .. }) {
            return None;
        }
        let mut j = i + 1;
        let mut m = 0;
        if j + 1 < e && matches!(toks[j].t, T::Colon | T::Dot) {
            if let T::Num { value, digits: 2 } = toks[j + 1].t {
                if toks[j].t == T::Dot && j + 2 < e && toks[j + 2].t == T::Dot {
                    return None;
                }
                m = value;
                j += 2;
            }
        }
        if self.lex(j, e) == Some(Lex::HourWord) {
            j += 1;
        }
        let mut mer = None;
        if let Some(Lex::Mer(x, _)) = self.lex(j, e) {
            mer = Some(x);
            j += 1;
        }
        if h > 24 || m >= 60 || (h == 24 && m > 0) {
            return None;
        }
        Some(Clock { h, m, mer, end: j })
    }

    /// A time expression at `i`: (kind, first token after it).
    fn time_at(&self, i: usize, e: usize) -> Option<(AtomKind, usize)> {
        let closed =
            |s: Option<Span>, end: usize| Some((s.map_or(AtomKind::Bad, |s| AtomKind::Time(s, Open::Closed)), end));
        let is_to = |k: usize| matches!(self.lex(k, e), Some(Lex::To | Lex::Before));
        let is_dash_or_to = |k: usize| k < e && (self.toks[k].t == T::Dash || is_to(k));
        match self.lex(i, e) {
            Some(Lex::Between) => {
                let a = self.clock_at(i + 1, e)?;
                if !matches!(self.lex(a.end, e), Some(Lex::And | Lex::To)) && self.toks.get(a.end)?.t != T::Dash {
                    return None;
                }
                let b = self.clock_at(a.end + 1, e)?;
                closed(range(&a, &b), b.end)
            }
            Some(Lex::From) => {
                if let Some(a) = self.clock_at(i + 1, e) {
                    if is_dash_or_to(a.end) {
                        if let Some(b) = self.clock_at(a.end + 1, e) {
                            return closed(range(&a, &b), b.end);
                        }
                        if let Some(v) = self.vague_at(a.end + 1, e) {
                            let to = self.vague_span(v).from;
                            let from = (a.hour24() * 60 + a.m) as u16;
                            return closed((to > from).then_some(Span { from, to }), a.end + 2);
                        }
                    }
                    return Some((AtomKind::Time(Span { from: a.bound(), to: DAY }, Open::From), a.end));
                }
                let v = self.vague_at(i + 1, e)?;
                let vs = self.vague_span(v);
                if is_to(i + 2) {
                    if let Some(b) = self.clock_at(i + 3, e) {
                        let to = (b.hour24() * 60 + b.m) as u16;
                        return closed((to > vs.from).then_some(Span { from: vs.from, to }), b.end);
                    }
                    if let Some(v2) = self.vague_at(i + 3, e) {
                        let to = self.vague_span(v2).from;
                        return closed((to > vs.from).then_some(Span { from: vs.from, to }), i + 4);
                    }
                }
                Some((AtomKind::Time(vs, Open::Vague), i + 2))
            }
            Some(Lex::After) => {
                if let Some(a) = self.clock_at(i + 1, e) {
                    return Some((AtomKind::Time(Span { from: a.bound(), to: DAY }, Open::From), a.end));
                }
                let v = self.vague_at(i + 1, e)?;
                Some((AtomKind::Time(Span { from: self.vague_span(v).to, to: DAY }, Open::From), i + 2))
            }
            Some(Lex::To | Lex::Before) => {
                if let Some(a) = self.clock_at(i + 1, e) {
                    let to = if a.h == 24 { DAY } else { a.bound() };
                    return Some((AtomKind::Time(Span { from: 0, to }, Open::To), a.end));
                }
                let v = self.vague_at(i + 1, e)?;
                Some((AtomKind::Time(Span { from: 0, to: self.vague_span(v).from }, Open::To), i + 2))
            }
            Some(Lex::Vague(v)) => Some((AtomKind::Time(self.vague_span(v), Open::Vague), i + 1)),
            Some(Lex::Mer(_, Some(v))) => Some((AtomKind::Time(self.vague_span(v), Open::Vague), i + 1)),
            _ => {
                let a = self.clock_at(i, e)?;
                if !is_dash_or_to(a.end) {
                    return None;
                }
                let b = self.clock_at(a.end + 1, e)?;
                closed(range(&a, &b), b.end)
            }
        }
    }

    fn one_day(&self, k: usize, e: usize) -> Option<u8> {
        match self.lex(k, e)? {
            Lex::Day(m) => Some(m),
            Lex::OtherDays => Some(ALL_DAYS & !self.days_seen),
            _ => None,
        }
    }

    /// A day expression at `i`: one day, a range ("пн-пт", "с пн по пт"), or a list.
    fn days_at(&self, i: usize, e: usize) -> Option<(u8, usize)> {
        let single = |m: u8| m.count_ones() == 1;
        let day_range = |a: u8, b: u8| {
            let (a, b) = (a.trailing_zeros(), b.trailing_zeros());
            let mut m = 0u8;
            let mut d = a;
            loop {
                m |= 1 << d;
                if d == b {
                    break m;
                }
                d = (d + 1) % 7;
            }
        };
        let is_range_mark = |k: usize| {
            k < e && (self.toks[k].t == T::Dash || matches!(self.lex(k, e), Some(Lex::Po | Lex::To | Lex::Via)))
        };
        let (mut mask, mut j) = if self.lex(i, e) == Some(Lex::From) {
            let a = self.one_day(i + 1, e)?;
            let b = self.one_day(i + 3, e).filter(|_| is_range_mark(i + 2))?;
            if !(single(a) && single(b)) {
                return None;
            }
            (day_range(a, b), i + 4)
        } else {
            let a = self.one_day(i, e)?;
            match self.one_day(i + 2, e) {
                Some(b) if is_range_mark(i + 1) && single(a) && single(b) => (day_range(a, b), i + 3),
                _ => (a, i + 1),
            }
        };
        // Lists: "пн, ср, пт", "пн/ср/пт", "будни и субботу", "вт и чт".
        // After "и" a preposition may come ("и в субботу"); after a comma or slash the day follows.
        loop {
            let mut k = j;
            if k < e && matches!(self.toks[k].t, T::Comma | T::Slash | T::Plus) {
                k += 1;
            } else if self.lex(k, e) == Some(Lex::And) {
                k += 1;
                while matches!(self.lex(k, e), Some(Lex::Filler | Lex::Po)) {
                    k += 1;
                }
            }
            match self.days_at_single(k, e) {
                Some((m, end)) => {
                    mask |= m;
                    j = end;
                }
                None => break,
            }
        }
        Some((mask, j))
    }

    fn days_at_single(&self, i: usize, e: usize) -> Option<(u8, usize)> {
        let a = self.one_day(i, e)?;
        let dash = i + 1 < e && self.toks[i + 1].t == T::Dash;
        match self.one_day(i + 2, e) {
            Some(b) if dash && a.count_ones() == 1 && b.count_ones() == 1 => {
                let (x, y) = (a.trailing_zeros(), b.trailing_zeros());
                let mut m = 0u8;
                let mut d = x;
                loop {
                    m |= 1 << d;
                    if d == y {
                        break;
                    }
                    d = (d + 1) % 7;
                }
                Some((m, i + 3))
            }
            _ => Some((a, i + 1)),
        }
    }

    /// Days and times of one sentence `[s, e)` become atoms; other tokens stay as they are.
    fn extract(&mut self, s: usize, e: usize, atoms: &mut Vec<Atom>) -> Vec<Item> {
        let mut items: Vec<Item> = Vec::new();
        let mut i = s;
        while i < e {
            let except = self.lex(i, e) == Some(Lex::Except);
            let mut j = if except { i + 1 } else { i };
            while except && self.lex(j, e) == Some(Lex::Filler) {
                j += 1;
            }
            let found = match self.days_at(j, e) {
                Some((m, end)) => {
                    self.days_seen |= m;
                    Some((AtomKind::Days(m), end))
                }
                None => self.time_at(j, e),
            };
            match found {
                Some((kind, end)) if end > j => {
                    atoms.push(Atom { kind, except, first: i, last: end - 1 });
                    items.push(Item::Atom(atoms.len() - 1));
                    i = end;
                }
                _ => {
                    items.push(Item::Tok(i));
                    i += 1;
                }
            }
        }
        self.merge_times(items, atoms)
    }

    /// "после 10 и до 17" is one range; "вечером после 19" is 19:00 to the end of the evening.
    fn merge_times(&self, items: Vec<Item>, atoms: &mut [Atom]) -> Vec<Item> {
        let mut out: Vec<Item> = Vec::new();
        for item in items {
            if let Item::Atom(b) = item {
                // The previous atom, with only fillers (and "и") between.
                let mut k = out.len();
                let mut only_and = true;
                while k > 0 {
                    match out[k - 1] {
                        Item::Tok(t) => match word(&self.toks[t]) {
                            Some(Lex::Filler) => k -= 1,
                            Some(Lex::And) => {
                                only_and = false;
                                k -= 1
                            }
                            _ => break,
                        },
                        Item::Atom(_) => break,
                    }
                }
                if let Some(&Item::Atom(a)) = k.checked_sub(1).and_then(|k| out.get(k)) {
                    if !atoms[a].except && !atoms[b].except {
                        if let Some(merged) = merge(atoms[a].kind, atoms[b].kind, only_and) {
                            atoms[a].kind = merged;
                            atoms[a].last = atoms[b].last;
                            out.truncate(k);
                            continue;
                        }
                    }
                }
            }
            out.push(item);
        }
        out
    }

    fn statement(&self, st: &[Item], atoms: &[Atom], notes: &[&str]) -> Option<Stmt> {
        let toks = self.toks;
        let (mut start, mut end, mut note) = (usize::MAX, 0, 0);
        for item in st {
            let (a, b) = match *item {
                Item::Tok(t) => (t, t),
                Item::Atom(x) => (atoms[x].first, atoms[x].last),
            };
            start = start.min(toks[a].start);
            end = end.max(toks[b].end);
            note = toks[a].note;
        }
        let text = notes.get(note).and_then(|n| n.get(start..end)).map(trim_edges).unwrap_or_default();

        let mut phrases: Vec<Phrase> = Vec::new();
        let mut pend = Pend::default();
        let mut cur: Option<usize> = None;
        let mut last_head = false;
        let mut conj = false;
        let mut conj_atom = false;
        let mut waiting: Vec<usize> = Vec::new();
        let mut stmt_atoms: Vec<(Atom, bool, bool)> = Vec::new();
        let mut atom_phrase: Vec<Option<usize>> = Vec::new();
        let mut persons: Vec<Rel> = Vec::new();
        let (mut unknown, mut advert, mut loose, mut also, mut myself) = (false, false, false, false, false);
        let mut narrative = false;

        // Is the next significant item a channel word?
        let next_is_head = |k: usize| {
            for item in &st[k + 1..] {
                match *item {
                    Item::Tok(t) => match toks[t].t {
                        T::Word(Lex::Filler | Lex::Via | Lex::Po) | T::Dash => continue,
                        T::Word(Lex::Noun(_) | Lex::Verb(_)) => return true,
                        _ => return false,
                    },
                    Item::Atom(_) => return false,
                }
            }
            false
        };
        let nothing_after = |k: usize| {
            st[k + 1..]
                .iter()
                .all(|item| matches!(*item, Item::Tok(t) if matches!(toks[t].t, T::Word(Lex::Permit) | T::Dash)))
        };

        for (k, item) in st.iter().enumerate() {
            let t = match *item {
                Item::Atom(a) => {
                    let atom = atoms[a];
                    if matches!(atom.kind, AtomKind::Bad) {
                        stmt_atoms.push((atom, false, conj_atom));
                        atom_phrase.push(None);
                    } else {
                        stmt_atoms.push((atom, false, conj_atom));
                        atom_phrase.push(cur);
                        if cur.is_none() {
                            waiting.push(stmt_atoms.len() - 1);
                        }
                    }
                    pend.only = false;
                    last_head = false;
                    conj = false;
                    conj_atom = false;
                    continue;
                }
                Item::Tok(t) => t,
            };
            let tok = &toks[t];
            match tok.t {
                T::Word(lex) => match lex {
                    Lex::Neg => {
                        let postfix = last_head && (tok.emoji || !next_is_head(k));
                        match cur {
                            Some(c) if postfix => {
                                phrases[c].neg = true;
                                phrases[c].closed = true;
                            }
                            _ => pend.neg = true,
                        }
                        loose = true;
                    }
                    Lex::Permit => {
                        let postfix = last_head && (tok.emoji || !next_is_head(k));
                        match cur {
                            Some(c) if postfix => phrases[c].closed = true,
                            _ => pend.permit = true,
                        }
                        loose = true;
                    }
                    Lex::Only(latin) => {
                        let postfix = last_head && !next_is_head(k) && (latin || nothing_after(k));
                        match cur {
                            Some(c) if postfix => phrases[c].only = true,
                            _ => pend.only = true,
                        }
                        loose = true;
                    }
                    Lex::Prefer => {
                        pend.prefer = true;
                        loose = true;
                    }
                    Lex::And | Lex::Or => {
                        conj = true;
                        conj_atom = true;
                    }
                    Lex::Noun(h) | Lex::Verb(h) => {
                        let verb = matches!(lex, Lex::Verb(_));
                        let before = phrases.len();
                        on_head(&mut phrases, &mut cur, &mut pend, conj, h, verb);
                        if tok.emoji {
                            if let Some(c) = cur {
                                phrases[c].closed = true;
                            }
                        }
                        if phrases.len() > before {
                            for &w in &waiting {
                                atom_phrase[w] = cur;
                            }
                            waiting.clear();
                        }
                        last_head = true;
                        conj = false;
                        continue;
                    }
                    Lex::Person(r) => {
                        if !persons.contains(&r) {
                            persons.push(r);
                        }
                        pend.only = false;
                    }
                    Lex::Advert => advert = true,
                    Lex::Also => also = true,
                    Lex::Myself => myself = true,
                    Lex::Unknown | Lex::NumWord(_) => unknown = true,
                    Lex::Narrative => {
                        unknown = true;
                        narrative = true;
                    }
                    Lex::From | Lex::After | Lex::To | Lex::Before | Lex::Between | Lex::Except => loose = true,
                    _ => {}
                },
                T::Num { .. } | T::Junk | T::Dot | T::Colon => unknown = true,
                T::Slash | T::Plus | T::Comma => {
                    conj = true;
                    conj_atom = true;
                }
                // "no calls - messages on telegram": a dash ends the phrase before it.
                T::Dash => {
                    if let Some(c) = cur {
                        phrases[c].closed = true;
                    }
                }
                T::Hard => {}
            }
            if !matches!(tok.t, T::Word(Lex::Filler | Lex::Via | Lex::Po) | T::Dash) {
                last_head = false;
            }
        }
        // A negation left at the end: "звонить не надо", "вс - нет".
        let mut stmt_neg = false;
        if pend.neg {
            match cur {
                Some(c) => phrases[c].neg = true,
                None => stmt_neg = true,
            }
        }
        let mut bad_time = false;
        for (i, (atom, neg, _)) in stmt_atoms.iter_mut().enumerate() {
            if matches!(atom.kind, AtomKind::Bad) {
                bad_time = true;
                continue;
            }
            let base = match atom_phrase[i] {
                Some(c) => {
                    phrases[c].time_scoped = true;
                    phrases[c].neg
                }
                None => stmt_neg,
            };
            *neg = base != atom.except;
        }
        if st.is_empty() {
            return None;
        }
        let meaningful = !phrases.is_empty() || !stmt_atoms.is_empty() || !persons.is_empty();
        let unparsed = unknown || advert || (!meaningful && loose);
        if !meaningful && !unparsed {
            return None;
        }
        Some(Stmt {
            text,
            phrases,
            atoms: stmt_atoms,
            atom_phrase,
            persons,
            bad_time,
            unparsed,
            narrative,
            inert: advert,
            also,
            myself,
        })
    }
}

/// Two neighbouring time atoms that are one range.
fn merge(a: AtomKind, b: AtomKind, only_and: bool) -> Option<AtomKind> {
    let (AtomKind::Time(x, ox), AtomKind::Time(y, oy)) = (a, b) else { return None };
    let span = |from: u16, to: u16| (from < to).then_some(AtomKind::Time(Span { from, to }, Open::Closed));
    match (ox, oy) {
        (Open::From, Open::To) => span(x.from, y.to),
        (Open::Vague, Open::From) if only_and => span(y.from, x.to).filter(|_| y.from >= x.from),
        (Open::From, Open::Vague) if only_and => span(x.from, y.to).filter(|_| x.from >= y.from),
        (Open::Vague, Open::To) if only_and => span(x.from, y.to).filter(|_| y.to <= x.to),
        (Open::To, Open::Vague) if only_and => span(y.from, x.to).filter(|_| x.to <= y.to),
        // "обед 13-14": the hours given say more than the word.
        (Open::Vague, Open::Closed) if only_and => Some(b),
        (Open::Closed, Open::Vague) if only_and => Some(a),
        _ => None,
    }
}

#[derive(Default)]
struct Pend {
    neg: bool,
    only: bool,
    prefer: bool,
    permit: bool,
}

impl Pend {
    fn any(&self) -> bool {
        self.neg || self.only || self.prefer || self.permit
    }
}

/// A channel word joins the current phrase (a list, an object "писать в тг", an apposition
/// "мессенджер MAX") or starts a new one with the pending modifiers.
fn on_head(phrases: &mut Vec<Phrase>, cur: &mut Option<usize>, pend: &mut Pend, conj: bool, h: Head, verb: bool) {
    if let Some(c) = cur.filter(|&c| !phrases[c].closed) {
        let p = &mut phrases[c];
        if !pend.any() {
            if conj && !(verb && p.neg) {
                if !p.heads.contains(&h) {
                    p.heads.push(h);
                }
                p.has_verb |= verb;
                return;
            }
            if !conj && (!verb || !p.neg) {
                let last = *p.heads.last().expect("a phrase has a head");
                let messenger =
                    matches!(h, Head::Chan(Channel::Whatsapp | Channel::Telegram | Channel::Viber | Channel::Max));
                let joined = if h.specificity() > last.specificity() {
                    *p.heads.last_mut().expect("a phrase has a head") = h;
                    true
                } else if last == Head::Chan(Channel::Call) && p.has_verb && messenger && p.heads.len() == 1 {
                    p.heads[0] = h;
                    p.call_via_messenger = true;
                    true
                } else if h.is_generic() || h == last {
                    true
                } else if verb {
                    false
                } else {
                    p.heads.push(h);
                    true
                };
                if joined {
                    p.has_verb |= verb;
                    return;
                }
            }
        } else if pend.neg
            && !pend.only
            && !pend.prefer
            && !pend.permit
            && !conj
            && verb
            && !p.has_verb
            && !p.neg
            && (h.is_generic() || p.heads == [h])
        {
            // Object first: "смс не присылать", "сообщения не писать".
            p.neg = true;
            p.has_verb = true;
            *pend = Pend::default();
            return;
        }
    }
    let strength = if pend.prefer {
        Strength::Prefer
    } else if pend.permit {
        Strength::Permit
    } else {
        Strength::Plain
    };
    phrases.push(Phrase {
        neg: pend.neg,
        only: pend.only,
        strength,
        heads: vec![h],
        has_verb: verb,
        time_scoped: false,
        call_via_messenger: false,
        closed: false,
    });
    *cur = Some(phrases.len() - 1);
    *pend = Pend::default();
}

/// Statements end at commas (except inside a list of channels), "но"/"а"/"but".
fn split_statements(toks: &[Tok], items: &[Item]) -> Vec<Vec<Item>> {
    let lex_at = |i: usize| match items.get(i) {
        Some(Item::Tok(t)) => word(&toks[*t]),
        _ => None,
    };
    let is_noun = |l: Option<Lex>| matches!(l, Some(Lex::Noun(_)));
    let mut out: Vec<Vec<Item>> = vec![Vec::new()];
    for (i, item) in items.iter().enumerate() {
        let boundary = match *item {
            Item::Tok(t) => match toks[t].t {
                T::Comma => {
                    // A list of channels ("вацап, тг") stays one statement, unless a side has its
                    // own negation or modality ("no calls, WhatsApp is fine").
                    let mut p = i;
                    while p > 0 && lex_at(p - 1) == Some(Lex::Filler) {
                        p -= 1;
                    }
                    let mut n = i + 1;
                    while lex_at(n) == Some(Lex::Filler) {
                        n += 1;
                    }
                    let list = p > 0 && is_noun(lex_at(p - 1)) && is_noun(lex_at(n));
                    let negated_before = out.last().is_some_and(|seg| {
                        seg.iter().any(|it| matches!(*it, Item::Tok(t) if word(&toks[t]) == Some(Lex::Neg)))
                    });
                    let modal_after = items[i + 1..]
                        .iter()
                        .take_while(|it| !matches!(**it, Item::Tok(t) if toks[t].t == T::Comma))
                        .any(|it| {
                            matches!(*it, Item::Tok(t) if matches!(word(&toks[t]),
                                Some(Lex::Neg | Lex::Permit | Lex::Only(_) | Lex::Prefer)))
                        });
                    !list || negated_before || modal_after
                }
                T::Word(Lex::Split) => true,
                _ => false,
            },
            Item::Atom(_) => false,
        };
        if boundary {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.push(*item);
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn trim_edges(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || (!c.is_alphanumeric() && !matches!(c, '+' | '@' | '%' | '$')))
        .to_string()
}

fn expand(h: Head) -> Vec<Channel> {
    match h {
        Head::Chan(c) => vec![c],
        Head::Write => MESSAGES.to_vec(),
        Head::Messenger => MESSENGERS.to_vec(),
        Head::Contact => Channel::ALL.to_vec(),
    }
}

/// Collects the statements' effects and settles conflicts.
struct Acc {
    ambiguous: BTreeSet<usize>,
}

impl Acc {
    fn conflict(&mut self, a: usize, b: usize) {
        self.ambiguous.insert(a);
        self.ambiguous.insert(b);
    }
}

fn combine(stmts: &[Stmt]) -> Preferences {
    let mut acc = Acc { ambiguous: BTreeSet::new() };
    let mut forbidden: Vec<(Channel, usize)> = Vec::new();
    let mut allowed: Vec<(Channel, usize)> = Vec::new();
    let mut only_sets: Vec<(Vec<Channel>, usize)> = Vec::new();
    let mut candidates: Vec<(u8, Channel, usize)> = Vec::new();
    let mut permits: Vec<(Channel, usize)> = Vec::new();
    let mut mentions: Vec<(Channel, usize)> = Vec::new();
    let mut dnc: Vec<usize> = Vec::new();
    let mut positive: Vec<usize> = Vec::new();
    let mut persons: Vec<(Vec<Rel>, usize)> = Vec::new();

    for (si, st) in stmts.iter().enumerate() {
        if st.inert {
            continue;
        }
        if st.bad_time {
            acc.ambiguous.insert(si);
        }
        for p in &st.phrases {
            let mut set: Vec<Channel> = p.heads.iter().flat_map(|h| expand(*h)).collect();
            crate::order::sort(&mut set);
            set.dedup();
            if p.neg {
                // A ban about a time, about the patient in person, or with words we do not know
                // ("в праздники не звонить") is narrower than the bare ban: not applied.
                if p.time_scoped || st.myself || st.unparsed {
                    continue;
                }
                if p.call_via_messenger {
                    acc.ambiguous.insert(si);
                } else if p.heads.contains(&Head::Contact) {
                    dnc.push(si);
                } else {
                    forbidden.extend(set.iter().map(|c| (*c, si)));
                }
                continue;
            }
            if p.heads == [Head::Contact] {
                continue;
            }
            if p.heads != [Head::Write] {
                positive.push(si);
            }
            let specific: Vec<Channel> =
                p.heads.iter().filter_map(|h| if let Head::Chan(c) = h { Some(*c) } else { None }).collect();
            if p.only {
                allowed.extend(set.iter().map(|c| (*c, si)));
                only_sets.push((set.clone(), si));
                if set.len() == 1 {
                    candidates.push((3, set[0], si));
                }
                mentions.extend(set.iter().map(|c| (*c, si)));
            } else if p.heads.len() >= 2 || p.heads == [Head::Messenger] {
                allowed.extend(set.iter().map(|c| (*c, si)));
                mentions.extend(set.iter().map(|c| (*c, si)));
            } else if let [c] = specific[..] {
                match p.strength {
                    Strength::Prefer => candidates.push((2, c, si)),
                    Strength::Permit => permits.push((c, si)),
                    // A channel merely named in a report of a contact ("звонила в WhatsApp, не
                    // ответила", "отправили напоминание в WhatsApp") says what happened, not
                    // what the patient wants: no preference from it.
                    Strength::Plain if st.narrative => {}
                    Strength::Plain => candidates.push((1, c, si)),
                }
                mentions.push((c, si));
            }
        }
        if !st.persons.is_empty() {
            persons.push((st.persons.clone(), si));
        }
    }

    // "Можно X": widens a stated restriction, otherwise a plain mention.
    if allowed.is_empty() {
        candidates.extend(permits.iter().map(|(c, s)| (1, *c, *s)));
    } else {
        allowed.extend(permits.iter().copied());
    }
    // Built by insertion: `collect()` into a BTreeSet sorts first (one more sort in the .wasm).
    let mut forbidden_set = BTreeSet::new();
    forbidden_set.extend(forbidden.iter().map(|x| x.0));
    let mut allowed_set = BTreeSet::new();
    allowed_set.extend(allowed.iter().map(|x| x.0));

    // Two different "only" statements.
    if only_sets.iter().any(|(s, _)| *s != only_sets[0].0) {
        for (_, s) in &only_sets {
            acc.ambiguous.insert(*s);
        }
    }
    // Forbidden and asked for.
    for &(c, s) in &mentions {
        if let Some(&(_, f)) = forbidden.iter().find(|x| x.0 == c) {
            acc.conflict(f, s);
        }
    }
    for c in &forbidden_set {
        allowed_set.remove(c);
    }
    // "Only X" and a request for another channel.
    if !allowed.is_empty() {
        let first_allowed = allowed[0].1;
        for &(_, c, s) in &candidates {
            if !allowed_set.contains(&c) && !forbidden_set.contains(&c) {
                acc.conflict(first_allowed, s);
            }
        }
    }
    let top = candidates.iter().map(|x| x.0).max().unwrap_or(0);
    let tops: Vec<&(u8, Channel, usize)> = candidates.iter().filter(|x| x.0 == top).collect();
    let mut preferred = tops.first().map(|x| x.1);
    if top >= 2 && tops.iter().any(|x| Some(x.1) != preferred) {
        for x in &tops {
            acc.ambiguous.insert(x.2);
        }
        preferred = None;
    }
    if let Some(c) = preferred {
        if forbidden_set.contains(&c) || (!allowed.is_empty() && !allowed_set.contains(&c)) {
            preferred = None;
        }
    }

    let (windows, window_dnc) = windows(stmts, &mut acc, &mut positive);
    let mut do_not_contact = !dnc.is_empty() || window_dnc;
    let mut forbidden_out: Vec<Channel> = forbidden_set.into_iter().collect();
    if forbidden_out.len() == Channel::ALL.len() {
        do_not_contact = true;
        forbidden_out.clear();
    }
    if !dnc.is_empty() && !positive.is_empty() {
        for s in dnc.iter().chain(&positive) {
            acc.ambiguous.insert(*s);
        }
    }
    let mut allowed_out: Vec<Channel> = allowed_set.into_iter().collect();
    if allowed_out.len() == Channel::ALL.len() {
        allowed_out.clear();
    }

    // The person: a named relation beats the role "guardian"; two different ones conflict.
    let named = persons.iter().any(|(rs, _)| rs.iter().any(|r| *r != Rel::Guardian));
    let persons: Vec<(Vec<Rel>, usize)> = persons
        .into_iter()
        .map(|(rs, s)| (rs.into_iter().filter(|r| !named || *r != Rel::Guardian).collect::<Vec<_>>(), s))
        .filter(|(rs, _)| !rs.is_empty())
        .collect();
    let contact_person = persons.first().map(|(rs, _)| rs.iter().map(|r| r.en()).collect::<Vec<_>>().join(" or "));
    if let Some((first, s0)) = persons.first() {
        for (rs, s) in &persons[1..] {
            if rs != first {
                acc.conflict(*s0, *s);
            }
        }
    }

    let text_of = |set: &BTreeSet<usize>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &i in set {
            let t = &stmts[i].text;
            if !t.is_empty() && !out.contains(t) {
                out.push(t.clone());
            }
        }
        out
    };
    let mut unparsed_idx = BTreeSet::new();
    unparsed_idx.extend((0..stmts.len()).filter(|&i| stmts[i].unparsed));
    Preferences {
        do_not_contact,
        allowed: allowed_out,
        forbidden: forbidden_out,
        preferred,
        windows,
        contact_person,
        ambiguous: text_of(&acc.ambiguous),
        unparsed: text_of(&unparsed_idx),
    }
}

struct Group {
    days: Option<u8>,
    times: Vec<Span>,
}

struct Unit {
    neg: bool,
    groups: Vec<Group>,
    also: bool,
}

impl Unit {
    fn days_only(&self) -> Option<u8> {
        match &self.groups[..] {
            [g] if g.times.is_empty() => g.days,
            _ => None,
        }
    }

    fn times_only(&self) -> bool {
        matches!(&self.groups[..], [g] if g.days.is_none())
    }
}

/// Pairs days with hours inside a statement: "по будням 12-15 и 18-20, в субботу до 14".
fn groups(atoms: &[(Atom, bool, bool)]) -> Vec<Group> {
    let mut out = Vec::new();
    let mut days: Option<u8> = None;
    let mut times: Vec<Span> = Vec::new();
    let mut prev_days: Option<bool> = None;
    for (atom, _, conj) in atoms {
        match atom.kind {
            AtomKind::Days(m) => {
                if times.is_empty() || prev_days == Some(true) {
                    days = Some(days.unwrap_or(0) | m);
                } else if *conj || days.is_some() {
                    out.push(Group { days, times: std::mem::take(&mut times) });
                    days = Some(m);
                } else {
                    days = Some(m);
                }
                prev_days = Some(true);
            }
            AtomKind::Time(s, _) => {
                if prev_days == Some(true) && !times.is_empty() {
                    out.push(Group { days: days.take(), times: std::mem::take(&mut times) });
                }
                times.push(s);
                prev_days = Some(false);
            }
            AtomKind::Bad => {}
        }
    }
    if days.is_some() || !times.is_empty() {
        out.push(Group { days, times });
    }
    out
}

/// The weekly picture: positive windows add up (the whole week when none), negative ones and
/// exceptions are taken away. Returns (windows, "no time left at all").
fn windows(stmts: &[Stmt], acc: &mut Acc, positive: &mut Vec<usize>) -> (Vec<crate::model::Window>, bool) {
    let mut units: Vec<(Unit, usize)> = Vec::new();
    let mut pos = Week::empty();
    let mut neg = Week::empty();
    let mut any_pos = false;
    let mut channel_windows: Vec<(Vec<Head>, usize)> = Vec::new();
    for (si, st) in stmts.iter().enumerate() {
        if st.inert {
            continue;
        }
        let mut run: Vec<(Atom, bool, bool)> = Vec::new();
        let mut heads: Vec<Head> = Vec::new();
        for (i, &(atom, is_neg, conj)) in st.atoms.iter().enumerate() {
            if matches!(atom.kind, AtomKind::Bad) {
                continue;
            }
            if !is_neg {
                if let Some(p) = st.atom_phrase[i].map(|c| &st.phrases[c]) {
                    for h in &p.heads {
                        if !heads.contains(h) {
                            heads.push(*h);
                        }
                    }
                }
            }
            if atom.except {
                // An exception is taken away (or, after a negation, given back) as it stands.
                let (days, span) = match atom.kind {
                    AtomKind::Days(m) => (m, FULL),
                    AtomKind::Time(s, _) => (ALL_DAYS, s),
                    AtomKind::Bad => continue,
                };
                if is_neg {
                    neg.set(days, span.from, span.to, true);
                } else {
                    pos.set(days, span.from, span.to, true);
                    any_pos = true;
                }
                continue;
            }
            if let Some(&(_, last_neg, _)) = run.last() {
                if last_neg != is_neg {
                    units.push((Unit { neg: last_neg, groups: groups(&run), also: st.also }, si));
                    run.clear();
                }
            }
            run.push((atom, is_neg, conj));
        }
        if let Some(&(_, last_neg, _)) = run.last() {
            units.push((Unit { neg: last_neg, groups: groups(&run), also: st.also }, si));
        }
        if st.atoms.iter().any(|(_, n, _)| !n) {
            positive.push(si);
            crate::order::sort_by_key(&mut heads, |h| format!("{h:?}"));
            if !heads.is_empty() {
                channel_windows.push((heads, si));
            }
        }
    }
    // Hours for different channels: the contract's windows are not per channel.
    if channel_windows.iter().any(|(h, _)| *h != channel_windows[0].0) {
        for (_, s) in &channel_windows {
            acc.ambiguous.insert(*s);
        }
    }

    let mut emit = |is_neg: bool, days: u8, s: Span| {
        if is_neg {
            neg.set(days, s.from, s.to, true);
        } else {
            pos.set(days, s.from, s.to, true);
            any_pos = true;
        }
    };
    let mut last_days: Option<(bool, u8)> = None;
    let mut i = 0;
    while i < units.len() {
        let u = &units[i].0;
        let next = units.get(i + 1).map(|x| &x.0).filter(|n| n.neg == u.neg && !n.also);
        if let Some(d) = u.days_only() {
            if let Some(n) = next.filter(|n| n.times_only()) {
                for s in &n.groups[0].times {
                    emit(u.neg, d, *s);
                }
                last_days = Some((u.neg, d));
                i += 2;
                continue;
            }
            emit(u.neg, d, FULL);
            last_days = Some((u.neg, d));
        } else if u.times_only() {
            let inherited = last_days.filter(|(n, _)| *n == u.neg).map(|x| x.1);
            let paired = next.and_then(|n| n.days_only());
            let days = match (inherited, paired) {
                (Some(d), _) => d,
                (None, Some(d)) => {
                    for s in &u.groups[0].times {
                        emit(u.neg, d, *s);
                    }
                    last_days = Some((u.neg, d));
                    i += 2;
                    continue;
                }
                (None, None) => ALL_DAYS,
            };
            for s in &u.groups[0].times {
                emit(u.neg, days, *s);
            }
        } else {
            for g in &u.groups {
                let d = g.days.unwrap_or(ALL_DAYS);
                if g.times.is_empty() {
                    emit(u.neg, d, FULL);
                } else {
                    for s in &g.times {
                        emit(u.neg, d, *s);
                    }
                }
                if let Some(d) = g.days {
                    last_days = Some((u.neg, d));
                }
            }
        }
        i += 1;
    }
    let has_neg = !neg.is_empty();
    if !any_pos && !has_neg {
        return (Vec::new(), false);
    }
    let mut week = if any_pos { pos } else { Week::full() };
    week.subtract(&neg);
    if week.is_empty() {
        if any_pos {
            for (_, s) in &units {
                acc.ambiguous.insert(*s);
            }
        }
        return (Vec::new(), true);
    }
    (week.to_windows(), false)
}
