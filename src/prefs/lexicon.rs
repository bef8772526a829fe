//! The vocabulary of contact notes, as data. Words are looked up after normalisation
//! (lower case, ё→е, runs of one letter collapsed), so "ватсапп" and "ватсап" are one entry.
//! Russian inflection is written as `stem|ending,ending` to keep the tables short.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::Channel;

/// Day bits: Monday is bit 0.
pub(crate) const WEEKDAYS: u8 = 0b001_1111;
pub(crate) const WEEKEND: u8 = 0b110_0000;
pub(crate) const ALL_DAYS: u8 = 0b111_1111;
const MON: u8 = 1;
const TUE: u8 = 2;
const WED: u8 = 4;
const THU: u8 = 8;
const FRI: u8 = 16;
const SAT: u8 = 32;
const SUN: u8 = 64;

/// What a channel word names: one channel, or a family of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Head {
    Chan(Channel),
    /// "писать", "сообщения": any written message.
    Write,
    /// "мессенджер": WhatsApp, Telegram, Viber or MAX.
    Messenger,
    /// "беспокоить", "связь": any contact at all.
    Contact,
}

impl Head {
    pub(crate) fn is_generic(self) -> bool {
        !matches!(self, Head::Chan(_))
    }

    /// Contact < written message < messenger < one channel: "писать в мессенджер" is a messenger.
    pub(crate) fn specificity(self) -> u8 {
        match self {
            Head::Contact => 0,
            Head::Write => 1,
            Head::Messenger => 2,
            Head::Chan(_) => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vague {
    Morning,
    Lunch,
    Afternoon,
    Evening,
    /// From the end of the evening to the start of the morning.
    Night,
    FirstHalf,
    SecondHalf,
    /// "в любое время", "весь день".
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mer {
    Am,
    Pm,
}

/// A relation of the person to call instead of the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rel {
    Mother,
    Father,
    Daughter,
    Son,
    Husband,
    Wife,
    Grandmother,
    Grandfather,
    Sister,
    Brother,
    Granddaughter,
    Grandson,
    Parents,
    Caregiver,
    Guardian,
}

impl Rel {
    pub(crate) const ALL: [Rel; 15] = [
        Rel::Mother,
        Rel::Father,
        Rel::Daughter,
        Rel::Son,
        Rel::Husband,
        Rel::Wife,
        Rel::Grandmother,
        Rel::Grandfather,
        Rel::Sister,
        Rel::Brother,
        Rel::Granddaughter,
        Rel::Grandson,
        Rel::Parents,
        Rel::Caregiver,
        Rel::Guardian,
    ];

    /// The contract's word for the relation (as in `Contact.owner`).
    pub(crate) fn en(self) -> &'static str {
        match self {
            Rel::Mother => "mother",
            Rel::Father => "father",
            Rel::Daughter => "daughter",
            Rel::Son => "son",
            Rel::Husband => "husband",
            Rel::Wife => "wife",
            Rel::Grandmother => "grandmother",
            Rel::Grandfather => "grandfather",
            Rel::Sister => "sister",
            Rel::Brother => "brother",
            Rel::Granddaughter => "granddaughter",
            Rel::Grandson => "grandson",
            Rel::Parents => "parents",
            Rel::Caregiver => "caregiver",
            Rel::Guardian => "guardian",
        }
    }

    /// Russian accusative, for "звонить через маму".
    pub(crate) fn ru_via(self) -> &'static str {
        match self {
            Rel::Mother => "маму",
            Rel::Father => "папу",
            Rel::Daughter => "дочь",
            Rel::Son => "сына",
            Rel::Husband => "мужа",
            Rel::Wife => "жену",
            Rel::Grandmother => "бабушку",
            Rel::Grandfather => "дедушку",
            Rel::Sister => "сестру",
            Rel::Brother => "брата",
            Rel::Granddaughter => "внучку",
            Rel::Grandson => "внука",
            Rel::Parents => "родителей",
            Rel::Caregiver => "сиделку",
            Rel::Guardian => "законного представителя",
        }
    }

    pub(crate) fn from_en(s: &str) -> Option<Rel> {
        Rel::ALL.into_iter().find(|r| r.en() == s)
    }
}

/// What a word means to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lex {
    Noun(Head),
    Verb(Head),
    /// "не", "без", "нет", "no": negates what follows (or, at the end, what came before).
    Neg,
    /// `true` for English "only", which may follow its channel ("WA only").
    Only(bool),
    Prefer,
    /// "можно", "ok", "да": the channel is acceptable.
    Permit,
    Day(u8),
    /// "в остальные дни": the days not named so far.
    OtherDays,
    Except,
    From,
    After,
    To,
    Before,
    Between,
    /// "по": a filler, except in "с пн по пт".
    Po,
    And,
    Or,
    Vague(Vague),
    /// "утра", "вечера", "дня", "am", "pm"; without a number "утра"/"вечера" are vague words.
    Mer(Mer, Option<Vague>),
    HourWord,
    NumWord(u8),
    Person(Rel),
    Via,
    /// Advertising: the contract has no place for an advertising opt-out yet.
    Advert,
    /// "но", "а", "but": a new statement starts.
    Split,
    /// "тоже", "also": the statement adds to the previous one rather than completing it.
    Also,
    /// "самой пациентке", "лично": about who answers, not about the channel.
    Myself,
    Filler,
    /// A known word that the reader must not guess about (past events, "рабочее").
    Unknown,
    /// A contact that happened ("звонила", "отправили", "texted"): the statement reports an
    /// event, so a channel it names is not a wish (and the statement is not understood).
    Narrative,
}

use Channel::*;
use Lex::*;

const CALL_N: Lex = Noun(Head::Chan(Call));
const CALL_V: Lex = Verb(Head::Chan(Call));
const SMS: Lex = Noun(Head::Chan(Sms));
const WA: Lex = Noun(Head::Chan(Whatsapp));
const TG: Lex = Noun(Head::Chan(Telegram));
const VIBER: Lex = Noun(Head::Chan(Viber));
const MAX: Lex = Noun(Head::Chan(Max));
const EMAIL: Lex = Noun(Head::Chan(Email));

/// Word forms and meanings. `stem|a,b,` expands to stem+a, stem+b, stem.
const WORDS: &[(&str, Lex)] = &[
    // Channels.
    ("звон|ок,ки,ков,ка,ку,ком,ками,кам,ках созвон телефон|,у,ом,а тел call|s,ing phone|,s ring voice", CALL_N),
    ("звон|ить,ите,ят,ит,и,ю,ишь,ить позвон|ить,ите,и,ят перезвон|ить,ите,и набира|ть,йте набрать созванива|ться,емся call", CALL_V),
    ("смс|,ки,ку,кой,ке,ок,ками,ка,ски,ску,ской sms cmc эсэмэс text|,s,ing смсить", SMS),
    ("вацап|,е,у,ом,а ватсап|,е,у,ом,а вотсап|,е,у,ом,а ватцап|,е,у,ом вотцап|,е,у,ом уотсап вацап whatsap|p watsap wa whats wapp whatsup вотс ватс", WA),
    ("телеграм|,е,у,ом,а,ме,ма,му,мом телег|а,у,е,ой тг тлг тгм tg telegram tlg tele", TG),
    ("вайбер|,е,у,ом,а вибер|,е,у,ом,а viber", VIBER),
    ("max макс|,е,ом мах", MAX),
    ("почт|а,у,ой,е,ы email e-mail mail емейл|,у,е имейл|,у,е мейл|,у,е емаил е-мейл письм|о,а,ом", EMAIL),
    ("писать пиш|ите,ут,и напиш|ите,и,ут написать присыл|ать,айте прислать отправл|ять,яйте слать шл|ите,и write message texting переписыва|ться,емся", Verb(Head::Write)),
    ("сообщени|е,я,й,ем,ями,ях текст|,ом messages msg переписк|а,у,е письменно", Noun(Head::Write)),
    ("мессенджер|,ы,ах,ов,е,у,ом,ам messenger|,s", Noun(Head::Messenger)),
    ("беспоко|ить,йте тревож|ить,ьте связыва|ться,йтесь связаться контактировать disturb bother contact дерга|ть,йте", Verb(Head::Contact)),
    ("связ|ь,и контакт|,ы,ов,ам,а,ами общени|е,я,ю,ем", Noun(Head::Contact)),
    // Negation and modality.
    ("никаких никакие никаких никакого не ни нет без нельзя запрещ|ено,ены,ен,ается запрет против отказ|,а,ом отказал|ся,ась,ись отказывается no not never dont don't without нежелательно", Neg),
    ("только лишь исключительно", Only(false)),
    ("only exclusively", Only(true)),
    ("лучше предпочита|ет,ю,ют,ла предпочтительно предпочтение удобн|о,ее,ей,ое желательно основной приоритет prefer|,s,red,ably pref best better ideally", Prefer),
    ("можно допустимо разрешено соглас|ен,на,ие,ны,ия да yes ok ок окей okay fine can may allowed", Permit),
    // Days.
    ("пн понедельник|,а,у,ам,и пон mon monday|s", Day(MON)),
    ("вт вторник|,а,у,ам,и tue tues tuesday|s", Day(TUE)),
    ("ср сред|а,у,ам,ы,е wed wednesday|s", Day(WED)),
    ("чт четверг|,а,у,ам,и thu thur thurs thursday|s", Day(THU)),
    ("пт пятниц|а,у,ам,ы,е fri friday|s", Day(FRI)),
    ("сб суббот|а,у,ам,ы,е sat saturday|s", Day(SAT)),
    ("вс воскресень|е,я,ям,ю воскресенье sun sunday|s", Day(SUN)),
    ("будни будн|ям,ях,ие,ий,ем,яя,им рабочие рабочим рабочих weekday|s workday|s", Day(WEEKDAYS)),
    ("выходн|ые,ым,ых,ом weekend|s", Day(WEEKEND)),
    ("ежедневно daily everyday", Day(ALL_DAYS)),
    ("остальн|ые,ым,ых,ое", OtherDays),
    ("кроме исключая except excluding", Except),
    // Time.
    ("с со от from since", From),
    ("после позже позднее after", After),
    ("до to until till til", To),
    ("раньше ранее before", Before),
    ("между between", Between),
    ("по", Po),
    ("и and", And),
    ("или либо or", Or),
    ("утр|о,ом,ам утречком morning|s", Vague(Vague::Morning)),
    ("обед|,а,ом обеденн|ое,ый,ого lunch lunchtime", Vague(Vague::Lunch)),
    ("днем днём afternoon|s", Vague(Vague::Afternoon)),
    ("вечер|,ом,ам,ком evening|s", Vague(Vague::Evening)),
    ("ночью ноч|ь,ам night|s", Vague(Vague::Night)),
    ("круглосуточно anytime", Vague(Vague::Full)),
    ("утра", Mer(Mer::Am, Some(Vague::Morning))),
    ("вечера", Mer(Mer::Pm, Some(Vague::Evening))),
    ("ночи", Mer(Mer::Am, Some(Vague::Night))),
    ("дня", Mer(Mer::Pm, None)),
    ("am", Mer(Mer::Am, None)),
    ("pm", Mer(Mer::Pm, None)),
    ("ч час|,а,ов h hr|s o'clock oclock", HourWord),
    ("шести", NumWord(6)),
    ("семи", NumWord(7)),
    ("восьми", NumWord(8)),
    ("девяти", NumWord(9)),
    ("десяти", NumWord(10)),
    ("одиннадцати", NumWord(11)),
    ("двенадцати полудня noon midday", NumWord(12)),
    // People.
    ("мам|а,е,у,ы,ой,очка,очке мать матер|и,ью mother mom mum mommy", Person(Rel::Mother)),
    ("пап|а,е,у,ы,ой отец отц|у,а,ом father dad", Person(Rel::Father)),
    ("доч|ь,ери,ерью,ка,ке,ку,ки,кой daughter", Person(Rel::Daughter)),
    ("сын|,у,а,ом son", Person(Rel::Son)),
    ("муж|,у,а,ем husband", Person(Rel::Husband)),
    ("жен|а,е,у,ой wife", Person(Rel::Wife)),
    ("бабушк|а,е,у,и,ой бабул|я,е,ю grandmother grandma", Person(Rel::Grandmother)),
    ("дедушк|а,е,у,и,ой дед|,у,а grandfather grandpa", Person(Rel::Grandfather)),
    ("сестр|а,е,у,ы,ой sister", Person(Rel::Sister)),
    ("брат|,у,а,ом brother", Person(Rel::Brother)),
    ("внучк|а,е,у,и,ой granddaughter", Person(Rel::Granddaughter)),
    ("внук|,у,а,ом grandson", Person(Rel::Grandson)),
    ("родител|и,ям,ей,ями parents parent", Person(Rel::Parents)),
    ("сиделк|а,е,у,ой caregiver carer", Person(Rel::Caregiver)),
    ("опекун|,у,а,ом представител|ь,ю,я,ем guardian", Person(Rel::Guardian)),
    ("через via through thru", Via),
    // Advertising.
    ("реклам|а,у,ы,ой,ные,ных,ную рассылк|а,и,у,ам,ок,ами акци|и,я,ю,ях,й спам промо promo promos promotion|s advertising marketing newsletter|s ads", Advert),
    ("но а but however однако зато", Split),
    // Known words that say nothing about contact preferences.
    ("в во на к ко у о об про за для при из же ли бы то это так уже всегда вообще категорически \
      пожалуйста плз пжл пжлст просьба прос|ит,ила,ил,или,ят попрос|ил,ила,или сказал|,а,и говорит хоч|ет,у хотела \
      люб|ит,ят надо нужно стоит жела|ет,ют пациент|,ка,ки,ке,ку,а,у,ом,кой,кe пац клиент|,ка,у она он они ей ему ее его \
      их им мне нам больше любых любые любой любое всех все всем вопрос|,ы,ам,у,ов,ах \
      номер|,у,а мобильный сотовый городской канал способ время дни дням днях день лицо контактное законн|ый,ого,ому \
      есть будет строго обязательно когда принима|ет,ть,ют ребенок ребенка ребенку ребёнок ничего ничем вид виде электронн|ая,ую,ой эл \
      please pls plz pt patient her his him she he they them me is are be the a an in on at by for of it time \
      wants asked asks says app its pt's both yeah", Filler),
    ("приходил|,а,и был|,а,и пришла пришел рабоч|ее,ий,ую,ему,его,ем", Unknown),
    ("звонил|,а,и позвонил|,а,и дозвонил|ся,ась,ись перезванивал|,а,и писал|,а,и написал|,а,и отправил|,а,и отправлен|о,а,ы \
      прислал|,а,и ответил|,а,и напомнил|,а,и связал|ся,ась,ись связывались получил|,а,и \
      called texted sent wrote messaged replied answered reminded reached", Narrative),
    ("тоже также еще too also", Also),
    ("сама сам самой самому самого лично напрямую personally herself himself", Myself),
    ("выходной", Neg),
];

/// Multi-word expressions, matched on consecutive normalised words before single words.
const PHRASES: &[(&[&str], Lex)] = &[
    (&["не", "раньше"], From),
    (&["не", "ранее"], From),
    (&["не", "позже"], To),
    (&["не", "позднее"], To),
    (&["not", "before"], From),
    (&["not", "after"], To),
    (&["no", "earlier", "than"], From),
    (&["no", "later", "than"], To),
    (&["do", "not"], Neg),
    (&["любое", "время"], Vague(Vague::Full)),
    (&["any", "time"], Vague(Vague::Full)),
    (&["весь", "день"], Vague(Vague::Full)),
    (&["целый", "день"], Vague(Vague::Full)),
    (&["all", "day"], Vague(Vague::Full)),
    (&["каждый", "день"], Day(ALL_DAYS)),
    (&["every", "day"], Day(ALL_DAYS)),
    (&["все", "дни"], Day(ALL_DAYS)),
    (&["working", "days"], Day(WEEKDAYS)),
    (&["первой", "половине", "дня"], Vague(Vague::FirstHalf)),
    (&["первая", "половина", "дня"], Vague(Vague::FirstHalf)),
    (&["второй", "половине", "дня"], Vague(Vague::SecondHalf)),
    (&["вторая", "половина", "дня"], Vague(Vague::SecondHalf)),
    (&["законный", "представитель"], Person(Rel::Guardian)),
    (&["законного", "представителя"], Person(Rel::Guardian)),
    (&["законному", "представителю"], Person(Rel::Guardian)),
    (&["whats", "app"], WA),
    (&["e", "mail"], EMAIL),
    (&["phone", "calls"], CALL_N),
    (&["phone", "call"], CALL_N),
    (&["text", "messages"], SMS),
    (&["text", "message"], SMS),
    (&["other", "days"], OtherDays),
    (&["о", "клок"], HourWord),
    (&["ни", "в", "коем", "случае"], Filler),
    (&["обеденный", "перерыв"], Vague(Vague::Lunch)),
    (&["обеденное", "время"], Vague(Vague::Lunch)),
];

/// Short words after which a '.' is an abbreviation mark, not the end of a sentence.
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "эл", "тел", "т", "ч", "мин", "пн", "вт", "ср", "чт", "пт", "сб", "вс", "mon", "tue", "wed", "thu", "fri", "sat",
    "sun", "e", "a", "p", "m", "tel",
];

/// Letters a number may carry in Russian ("12-ти", "с 12ти").
pub(crate) const NUMBER_SUFFIXES: &[&str] = &["ти", "ми", "х", "го", "ого", "ое", "ый", "ой", "ть", "и"];

/// Function words that are often glued to the next word ("незвонить", "вбудни").
const GLUED_PREFIXES: &[&str] = &[
    "не",
    "ни",
    "только",
    "в",
    "во",
    "с",
    "со",
    "до",
    "после",
    "по",
    "без",
    "через",
    "и",
    "или",
    "нет",
    "лучше",
    "можно",
];

struct Tables {
    words: HashMap<String, Lex>,
    phrases: Vec<(Vec<String>, Lex)>,
    /// Content words for typo matching: (collapsed chars, meaning).
    fuzzy: Vec<(Vec<char>, Lex)>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn build() -> Tables {
    let mut words = HashMap::new();
    let mut fuzzy = Vec::new();
    for (forms, lex) in WORDS {
        for item in forms.split_whitespace() {
            let mut expand = |w: String| {
                let key = collapse(&w);
                if is_content(*lex) && key.chars().count() >= 5 {
                    fuzzy.push((key.chars().collect(), *lex));
                }
                words.entry(key).or_insert(*lex);
            };
            match item.split_once('|') {
                Some((stem, ends)) => {
                    for end in ends.split(',') {
                        expand(format!("{stem}{end}"));
                    }
                }
                None => expand(item.to_string()),
            }
        }
    }
    let phrases = PHRASES.iter().map(|(ws, lex)| (ws.iter().map(|w| collapse(w)).collect(), *lex)).collect();
    Tables { words, phrases, fuzzy }
}

/// Words worth matching with a typo: channels, days, times, people.
fn is_content(lex: Lex) -> bool {
    matches!(lex, Noun(_) | Verb(_) | Day(_) | Vague(_) | Person(_) | Prefer | Only(_) | Except | OtherDays | Advert)
        || lex == Neg
}

/// Lower case, ё→е, curly apostrophe to straight.
pub(crate) fn normalise(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        for l in c.to_lowercase() {
            s.push(match l {
                'ё' => 'е',
                '’' | '`' | 'ʼ' => '\'',
                other => other,
            });
        }
    }
    s
}

/// Runs of one letter become one ("ватсаппп" → "ватсап"): typos and spelling variants meet.
pub(crate) fn collapse(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for c in word.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

const LOOKALIKES: &[(char, char)] = &[
    ('a', 'а'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('c', 'с'),
    ('x', 'х'),
    ('y', 'у'),
    ('k', 'к'),
    ('m', 'м'),
    ('t', 'т'),
    ('h', 'н'),
    ('b', 'в'),
];

pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// The word with look-alike letters moved to one script (`to_cyrillic` or to Latin).
pub(crate) fn to_script(word: &str, to_cyrillic: bool) -> String {
    word.chars()
        .map(|c| {
            LOOKALIKES
                .iter()
                .find_map(|&(lat, cyr)| {
                    if to_cyrillic && c == lat {
                        Some(cyr)
                    } else if !to_cyrillic && c == cyr {
                        Some(lat)
                    } else {
                        None
                    }
                })
                .unwrap_or(c)
        })
        .collect()
}

/// The meaning of one normalised word, exactly as listed.
pub(crate) fn exact(word: &str) -> Option<Lex> {
    tables().words.get(&collapse(word)).copied()
}

/// Multi-word expression starting at `words[0]`: (meaning, words used).
pub(crate) fn phrase(words: &[&str]) -> Option<(Lex, usize)> {
    for (ws, lex) in &tables().phrases {
        if ws.len() <= words.len() && ws.iter().zip(words).all(|(a, b)| *a == collapse(b)) {
            return Some((*lex, ws.len()));
        }
    }
    None
}

/// "незвонить" → ("не", "звонить"): a function word glued to a content word.
pub(crate) fn glued(word: &str) -> Option<(Lex, Lex, usize)> {
    for p in GLUED_PREFIXES {
        if let Some(rest) = word.strip_prefix(p) {
            if rest.chars().count() < 2 {
                continue;
            }
            if let (Some(a), Some(b)) = (exact(p), exact(rest)) {
                if is_content(b) {
                    return Some((a, b, p.len()));
                }
            }
        }
    }
    None
}

/// A content word one edit away (insert, delete, substitute, swap) for words of 5+ letters.
pub(crate) fn fuzzy(word: &str) -> Option<Lex> {
    let w: Vec<char> = collapse(word).chars().collect();
    if w.len() < 5 || w.len() > 40 {
        return None;
    }
    tables()
        .fuzzy
        .iter()
        .find(|(form, _)| form.len().abs_diff(w.len()) <= 1 && within_one_edit(form, &w))
        .map(|(_, lex)| *lex)
}

fn within_one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        if prefix == short.len() {
            return true;
        }
        // One substitution, or one swap of neighbours.
        let rest_equal = |from: usize| short[from..] == long[from..];
        rest_equal(prefix + 1)
            || (prefix + 1 < short.len()
                && short[prefix] == long[prefix + 1]
                && short[prefix + 1] == long[prefix]
                && rest_equal(prefix + 2))
    } else {
        // One insertion into the shorter word.
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_expand_and_collapse() {
        assert_eq!(exact("ватсаппу"), Some(WA));
        assert_eq!(exact("телеграмм"), Some(TG));
        assert_eq!(exact("почти"), None);
        assert_eq!(exact("суббота"), Some(Day(SAT)));
    }

    #[test]
    fn one_edit_typos_match_content_words_only() {
        assert_eq!(fuzzy("званить"), Some(CALL_V));
        assert_eq!(fuzzy("вотсаб"), Some(WA));
        assert_eq!(fuzzy("бдуни"), Some(Day(WEEKDAYS)));
        assert_eq!(fuzzy("аллергия"), None);
        assert_eq!(fuzzy("тг"), None);
    }

    #[test]
    fn glued_function_words_split() {
        assert_eq!(glued("незвонить"), Some((Neg, CALL_V, "не".len())));
        assert_eq!(glued("тольковацап").map(|g| g.1), Some(WA));
        assert_eq!(glued("аллергия"), None);
    }
}
