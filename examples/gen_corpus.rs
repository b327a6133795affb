//! Generates large synthetic article libraries (Markdown + YAML frontmatter) for benchmarks.
//!
//! Usage: `cargo run --release --example gen_corpus -- DIR N [--seed S]`
//!
//! Writes N articles into DIR, 1,000 per shard folder (`DIR/000/000123-some-slug.md`, `DIR/001/…`),
//! in the aggregator's format (see `ARTICLE_FORMAT.md`). Each file depends only on its index and
//! the seed (every article draws from its own splitmix64 streams), so shards are written in
//! parallel and a smaller run is a prefix of a larger one.
//! About 15% of the articles are Ukrainian translations of the English article just before them
//! (same source and `externalId`, `ai.translatedFrom`). Files average about 5,900 bytes. Existing
//! files with the same names are overwritten; nothing else in DIR is touched.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

const SHARD_SIZE: u64 = 1_000;
pub const DEFAULT_SEED: u64 = 20_261_125;
/// Per-file size targets are `TARGET_BASE + 2 × U(0, TARGET_SPREAD)`, calibrated so that the
/// written files average about 5,900 bytes.
const TARGET_BASE: usize = 3_189;
const TARGET_SPREAD: u64 = 2_700;
const SPAN_SECS: i64 = 365 * 86_400;
/// A file is Ukrainian when it is a candidate and its predecessor is not: p(1 − p) ≈ 0.15.
const P_UK_CANDIDATE: f64 = 0.1838;
const MAX_TITLE_WORDS: usize = 14;

// Independent random streams per article index.
const STREAM_STORY: u64 = 1;
const STREAM_LANG: u64 = 2;
const STREAM_TEXT: u64 = 3;
const STREAM_TITLE: u64 = 4;
const STREAM_FILE: u64 = 5;

// ---------------------------------------------------------------------------------------------
// Vocabulary. Lists are `|`-separated so they stay compact; they are split once at start-up.

const SOURCES: &[(&str, &str, &str, u32)] = &[
    ("Chain Herald", "chainherald", "RSS", 20),
    ("Block Street Journal", "blockstreet", "RSS", 15),
    ("Satoshi Wire", "satoshiwire", "API", 12),
    ("Ether Daily", "etherdaily", "RSS", 10),
    ("Mempool Times", "mempooltimes", "RSS", 9),
    ("Hashrate Gazette", "hashrategazette", "RSS", 8),
    ("Token Dispatch", "tokendispatch", "API", 7),
    ("DeFi Courier", "deficourier", "RSS", 6),
    ("Orbit Markets", "orbitmarkets", "API", 5),
    ("Ledger Lines", "ledgerlines", "RSS", 4),
    ("Kyiv Fintech News", "kyivfintech", "SCRAPER", 2),
    ("Stablecoin Monitor", "stablecoinmonitor", "API", 2),
];

const CATEGORIES: &[(&str, u32)] = &[
    ("BTC", 30),
    ("MARKET", 18),
    ("ETH", 14),
    ("DEFI", 8),
    ("REGULATION", 8),
    ("ALTCOINS", 7),
    ("STABLECOINS", 5),
    ("MINING", 4),
    ("NFT", 3),
    ("AI", 3),
];

/// Tag pool, most common first; drawn with Zipf weights 1/rank.
const TAGS: &str = "BTC|MARKET|TRADING|NEWS|MARKETS|ETH|BITCOIN NEWS|MARKET ANALYSIS|ETHEREUM NEWS|\
    REGULATION|DEFI|ALTCOINS|ETF|STABLECOINS|SOL|XRP|INSTITUTIONAL|EXCHANGES|LIQUIDATIONS|\
    DERIVATIVES|MINING|OPTIONS|FUTURES|MACRO|FED|INFLATION|INTEREST RATES|SEC|NFT|AI|CFTC|MICA|EU|\
    USA|UK|ASIA|CHINA|JAPAN|KOREA|UKRAINE|SECURITY|HACKS|EXPLOITS|SCAMS|WALLETS|CUSTODY|LAYER 2|\
    ROLLUPS|ARBITRUM|OPTIMISM|BASE|POLYGON|CARDANO|ADA|DOGE|MEMECOINS|SHIB|BNB|TRON|TON|AVAX|DOT|\
    LINK|ORACLES|UNI|AAVE|LENDING|STAKING|RESTAKING|LIQUID STAKING|VALIDATORS|GOVERNANCE|DAO|\
    TOKENIZATION|RWA|TREASURIES|USDT|USDC|CBDC|PAYMENTS|REMITTANCES|BANKS|FINTECH|AI AGENTS|GAMING|\
    METAVERSE|SOCIAL|PRIVACY|ZK|BRIDGES|INTEROPERABILITY|HALVING|HASHRATE|ENERGY|ON-CHAIN|WHALES|\
    ETF FLOWS|FUNDING RATES|OPEN INTEREST|VOLATILITY|TECHNICAL ANALYSIS|PRICE ANALYSIS|SENTIMENT|\
    FEAR AND GREED|ADOPTION|LEGAL|COURTS|TAXES|POLICY|ELECTIONS|CONGRESS|AIRDROPS|TOKEN UNLOCKS|\
    CORPORATE TREASURY|VENTURE CAPITAL|FUNDRAISING|STARTUPS|PARTNERSHIPS|INFRASTRUCTURE|NODES|\
    UPGRADES|HARD FORK|TESTNET|MAINNET|DEVELOPERS|OPEN SOURCE|DEX|CEX|MARKET MAKERS|ARBITRAGE|MEV|\
    GAS FEES|LIGHTNING|ORDINALS|RUNES|SMART CONTRACTS|AUDITS|COMPLIANCE|KYC|AML|SANCTIONS|\
    ENFORCEMENT|LAWSUITS|BANKRUPTCY|GOLD|EQUITIES|BONDS|DOLLAR|FOREX|COMMODITIES|RECESSION|CPI|\
    JOBS REPORT|OPINION|INTERVIEW|RESEARCH|WEEKLY RECAP";

const EN_SUBJECTS: &str = "bitcoin|ether|the largest stablecoin issuer|institutional desks|\
    spot ETF issuers|on-chain analysts|derivatives traders|the Federal Reserve|European regulators|\
    a major offshore exchange|long-term holders|public miners|liquidity providers|\
    the decentralized lending market|retail investors|options market makers|validator operators|\
    a consortium of regional banks|the Treasury|hedge funds|corporate treasuries|\
    Asian trading desks|venture investors|protocol developers|the broader crypto market|\
    memecoin traders|arbitrage funds|custody providers|payment companies|layer-2 networks|\
    a group of early adopters|pension funds";
const EN_VERBS: &str = "pushed:push|lifted:lift|weighed on:weigh on|reshaped:reshape|tested:test|\
    dragged down:drag down|accelerated:accelerate|questioned:question|supported:support|\
    absorbed:absorb|unwound:unwind|rebuilt:rebuild|trimmed:trim|expanded:expand|tightened:tighten|\
    revived:revive|dampened:dampen|amplified:amplify|reassessed:reassess|stabilized:stabilize|\
    doubled down on:double down on|pulled back from:pull back from";
const EN_OBJECTS: &str = "short-term sentiment|funding rates|the broader risk appetite|\
    open interest on major venues|the weekly close|stablecoin supply|network fees|\
    exposure to leveraged positions|the order books|demand for downside protection|the basis trade|\
    liquidity across altcoins|expectations for rate cuts|inflows into spot funds|the options skew|\
    confidence in the recovery|their hedging strategies|collateral requirements|trading volumes|\
    the supply held on exchanges|the case for a year-end rally|the pace of new listings";
const EN_CLAUSES: &str = "after a volatile weekend session|as trading volumes climbed|\
    despite thin liquidity during Asian hours|according to data compiled by market analysts|\
    ahead of the quarterly options expiry|following the latest inflation report|\
    as macro uncertainty lingered|while equities moved sideways|\
    in the hours after the announcement|\
    before the end of the month|amid renewed speculation about policy changes|\
    over the past five trading days|as the dollar weakened|\
    in a market still digesting last week's sell-off|\
    with most of the activity concentrated on offshore venues|once the weekly candle closed";
const EN_METRICS: &str = "open interest|the funding rate|daily volume|the stablecoin supply|\
    the put-call ratio|the network hashrate|total value locked|net ETF flows|the exchange balance|\
    realized volatility";
const EN_USD_METRICS: &str = "open interest|daily volume|the stablecoin supply|total value locked|\
    net ETF inflows|the lending book";
const EN_MOVES: &str = "rose|fell|jumped|slipped|climbed|dropped|edged up|retreated";
const EN_TIMEFRAMES: &str = "within a day|over the week|since Monday|in the last 24 hours|\
    over the month|during the session";
const EN_ADJECTIVES: &str = "mechanical|overextended|constructive|fragile|healthy|crowded|orderly|\
    exhausted";
const EN_ROLES: &str = "trader at a Singapore-based desk|portfolio manager|on-chain researcher|\
    derivatives strategist|former exchange executive|risk analyst|fund manager in London";
const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|\
    November|December";
const EN_SUBHEADINGS: &str = "Key levels to watch|What traders are saying|The regulatory angle|\
    The on-chain picture|Derivatives snapshot|Why it matters|A closer look at the flows";
const EN_LIST_INTROS: &str = "A few figures stood out:|The main data points:|\
    Here is how the numbers moved:|Worth noting from the session:";
const EN_LINK_TEXTS: &str = "a note from the research desk|exchange data|the latest filing|\
    a weekly market report|public dashboard figures";
const EN_HEADINGS: [&str; 4] = [
    "## Overview",
    "## What Happened",
    "## From author",
    "## Impact on the market",
];

/// Title heads: text and whether it takes a plural verb (`+` suffix).
const EN_TITLE_HEADS: &str = "Bitcoin|Ether|Solana|XRP|Dogecoin|The crypto market|The SEC|\
    A major exchange|Bitcoin miners+|Spot bitcoin ETFs+|Ether options traders+|Stablecoin issuers+|\
    Crypto lenders+|DeFi protocols+|Layer-2 networks+|Asian exchanges+|European regulators+|\
    US lawmakers+|Whale wallets+|Long-term holders+|Retail traders+|Market makers+|\
    Tokenized treasury funds+|Memecoin traders+|Bitcoin and ether+|Corporate treasuries+|\
    Ethereum developers+|Hedge funds+";
const EN_TITLE_VERBS: &str = "surges past:surge past|slips below:slip below|\
    rallies toward:rally toward|tests:test|eyes:eye|reclaims:reclaim|sheds:shed|extends:extend|\
    defies:defy|targets:target|breaks:break|holds:hold|doubles down on:double down on|\
    pulls back from:pull back from|bets on:bet on|warns of:warn of|flags:flag|braces for:brace for|\
    shrugs off:shrug off|pushes back on:push back on|rotates into:rotate into|\
    reacts to:react to";
const EN_TITLE_OBJECTS: &str = "record highs|key support|fresh inflows|weekly losses|\
    a short squeeze|regulatory pressure|new stablecoin rules|higher funding rates|\
    the 200-day average|quarterly expiry|a liquidity crunch|tax guidance|'mechanical' breakout|\
    the halving narrative|yield products|custody rules|staking rewards|the rate outlook|\
    token unlocks|a network upgrade|exchange outflows|leveraged longs";
/// Title phrases (at most two per title) and short endings (at most one, last).
const EN_TITLE_PHRASES: &str = "as liquidations mount|after Fed minutes|despite thin liquidity|\
    in Asian trading|for a third straight week|amid ETF outflows|ahead of options expiry|\
    while altcoins lag|as traders rotate into ether|with record volume|\
    following an exchange outage|before the key CPI print|as sentiment sours|in a choppy session|\
    as the dollar slides|after a quiet weekend|despite regulatory noise";
const EN_TITLE_ENDINGS: &str = "again|overnight|today|this week|analysts say|on Monday|for now";

const UK_SUBJECTS: &str = "інституційні інвестори|регулятори|майнери|трейдери деривативів|\
    аналітики|\
    великі біржі|довгострокові власники|маркет-мейкери|розробники протоколу|роздрібні інвестори|\
    хедж-фонди|емітенти стейблкоїнів|валідатори|венчурні фонди|азійські торгові дески";
const UK_VERBS: &str = "посилили:посилити|знизили:знизити|підтримали:підтримати|\
    переглянули:переглянути|збільшили:збільшити|скоротили:скоротити|оцінили:оцінити|\
    змінили:змінити|стабілізували:стабілізувати|пришвидшили:пришвидшити";
const UK_OBJECTS: &str = "ризиковий апетит|обсяги торгів|відкритий інтерес|ставки фінансування|\
    ліквідність ринку|позиції на ф'ючерсах|попит на захисні опціони|пропозицію стейблкоїнів|\
    комісії мережі|приплив коштів у спотові фонди|очікування щодо зниження ставок|\
    вимоги до застави|прогнози на кінець року";
const UK_CLAUSES: &str = "після волатильних вихідних|на тлі зростання обсягів|\
    попри низьку ліквідність в азійську сесію|за даними аналітиків|\
    напередодні експірації опціонів|після публікації даних про інфляцію|\
    на тлі макроекономічної невизначеності|протягом останньої доби|наприкінці місяця|\
    після оголошення регулятора|на тлі слабшого долара";
/// Metric, verb for a rise, verb for a fall (agreeing in gender).
const UK_METRICS: &str = "відкритий інтерес:зріс:знизився|добовий обсяг торгів:зріс:скоротився|\
    хешрейт мережі:зріс:знизився|загальна заблокована вартість:зросла:знизилася|\
    реалізована волатильність:зросла:знизилася|ставка фінансування:зросла:знизилася|\
    чистий приплив в ETF:зріс:скоротився";
const UK_TIMEFRAMES: &str = "за тиждень|за останню добу|з понеділка|протягом сесії|за місяць";
const UK_ADJECTIVES: &str = "механічним|надмірним|конструктивним|крихким|здоровим|перегрітим";
const UK_SUBHEADINGS: &str = "Ключові рівні|Що кажуть трейдери|Регуляторний аспект|Дані блокчейну|\
    Чому це важливо";
const UK_LIST_INTROS: &str = "Ключові цифри:|Що варто відзначити:|Як змінилися показники:";
const UK_LINK_TEXTS: &str = "звіт аналітиків|дані біржі|свіжий огляд ринку|публічна статистика";
const UK_TITLE_PHRASES: &str = "попри прогнози|на тлі ліквідацій|після рішення ФРС|\
    в азійську сесію|на тлі відтоку з ETF|перед експірацією опціонів|на тлі слабшого долара|\
    після спокійних вихідних";
const UK_TITLE_ENDINGS: &str = "знову|вчора|цього тижня|кажуть аналітики";
const UK_HEADINGS: [&str; 4] = [
    "## Огляд",
    "## Що сталося",
    "## Від автора",
    "## Вплив на ринок",
];

// ---------------------------------------------------------------------------------------------
// Random numbers: splitmix64, seeded per (seed, article index, stream).

const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Rng(u64);

impl Rng {
    const fn for_item(seed: u64, index: u64, stream: u64) -> Self {
        let key = index
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Self(mix64(seed ^ mix64(key)))
    }

    const fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// Index drawn from cumulative weights.
    fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = self.unit() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1)
    }
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    weights
        .scan(0.0, |sum, w| {
            *sum += w;
            Some(*sum)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Split vocabulary, shared read-only by all threads.

fn list(s: &'static str) -> Vec<&'static str> {
    s.split('|').map(str::trim).collect()
}

fn pairs(s: &'static str) -> Vec<(&'static str, &'static str)> {
    list(s)
        .into_iter()
        .map(|p| p.split_once(':').expect("vocabulary pairs are `a:b`"))
        .collect()
}

struct Vocab {
    subjects: Vec<&'static str>,
    verbs: Vec<(&'static str, &'static str)>,
    objects: Vec<&'static str>,
    clauses: Vec<&'static str>,
    timeframes: Vec<&'static str>,
    adjectives: Vec<&'static str>,
    subheadings: Vec<&'static str>,
    list_intros: Vec<&'static str>,
    link_texts: Vec<&'static str>,
    headings: [&'static str; 4],
}

struct Ctx {
    seed: u64,
    end_epoch: i64,
    tags: Vec<&'static str>,
    tag_weights: Vec<f64>,
    source_weights: Vec<f64>,
    category_weights: Vec<f64>,
    months: Vec<&'static str>,
    en: Vocab,
    en_metrics: Vec<&'static str>,
    en_usd_metrics: Vec<&'static str>,
    en_moves: Vec<&'static str>,
    en_roles: Vec<&'static str>,
    title_heads: Vec<&'static str>,
    title_verbs: Vec<(&'static str, &'static str)>,
    title_objects: Vec<&'static str>,
    title_phrases: Vec<&'static str>,
    title_endings: Vec<&'static str>,
    uk: Vocab,
    uk_metrics: Vec<(&'static str, &'static str, &'static str)>,
    uk_title_phrases: Vec<&'static str>,
    uk_title_endings: Vec<&'static str>,
}

impl Ctx {
    fn new(seed: u64) -> Self {
        let tags = list(TAGS);
        let tag_weights = cumulative((1..=tags.len()).map(|rank| 1.0 / rank as f64));
        let uk_metrics = list(UK_METRICS)
            .into_iter()
            .map(|m| {
                let mut parts = m.split(':');
                let mut next = || parts.next().expect("metrics are `name:up:down`");
                (next(), next(), next())
            })
            .collect();
        Self {
            seed,
            end_epoch: days_from_civil(2026, 11, 25) * 86_400,
            tags,
            tag_weights,
            source_weights: cumulative(SOURCES.iter().map(|s| f64::from(s.3))),
            category_weights: cumulative(CATEGORIES.iter().map(|c| f64::from(c.1))),
            months: list(MONTHS),
            en: Vocab {
                subjects: list(EN_SUBJECTS),
                verbs: pairs(EN_VERBS),
                objects: list(EN_OBJECTS),
                clauses: list(EN_CLAUSES),
                timeframes: list(EN_TIMEFRAMES),
                adjectives: list(EN_ADJECTIVES),
                subheadings: list(EN_SUBHEADINGS),
                list_intros: list(EN_LIST_INTROS),
                link_texts: list(EN_LINK_TEXTS),
                headings: EN_HEADINGS,
            },
            en_metrics: list(EN_METRICS),
            en_usd_metrics: list(EN_USD_METRICS),
            en_moves: list(EN_MOVES),
            en_roles: list(EN_ROLES),
            title_heads: list(EN_TITLE_HEADS),
            title_verbs: pairs(EN_TITLE_VERBS),
            title_objects: list(EN_TITLE_OBJECTS),
            title_phrases: list(EN_TITLE_PHRASES),
            title_endings: list(EN_TITLE_ENDINGS),
            uk: Vocab {
                subjects: list(UK_SUBJECTS),
                verbs: pairs(UK_VERBS),
                objects: list(UK_OBJECTS),
                clauses: list(UK_CLAUSES),
                timeframes: list(UK_TIMEFRAMES),
                adjectives: list(UK_ADJECTIVES),
                subheadings: list(UK_SUBHEADINGS),
                list_intros: list(UK_LIST_INTROS),
                link_texts: list(UK_LINK_TEXTS),
                headings: UK_HEADINGS,
            },
            uk_metrics,
            uk_title_phrases: list(UK_TITLE_PHRASES),
            uk_title_endings: list(UK_TITLE_ENDINGS),
        }
    }

    fn uk_candidate(&self, index: u64) -> bool {
        index > 0 && Rng::for_item(self.seed, index, STREAM_LANG).chance(P_UK_CANDIDATE)
    }

    /// Ukrainian iff a candidate whose predecessor is not; so the predecessor is always English
    /// and each English article has at most one translation.
    fn is_uk(&self, index: u64) -> bool {
        self.uk_candidate(index) && !self.uk_candidate(index - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Story: everything an English article and its translation share.

struct Story {
    source: (&'static str, &'static str, &'static str),
    category: &'static str,
    external_id: u64,
    published: i64,
    tags: Vec<&'static str>,
    sentiment: Option<&'static str>,
    score: u64,
    sticky: u64,
    canonical: bool,
    photo_ms: u64,
    photo_hex: u64,
    ixid: String,
}

impl Story {
    fn new(ctx: &Ctx, index: u64) -> Self {
        let mut rng = Rng::for_item(ctx.seed, index, STREAM_STORY);
        let (name, key, kind, _) = SOURCES[rng.weighted(&ctx.source_weights)];
        let category = CATEGORIES[rng.weighted(&ctx.category_weights)].0;
        let external_id = 41_000_000 + index * 3 + rng.below(3);
        let published = ctx.end_epoch - 1 - rng.below(SPAN_SECS as u64) as i64;

        let count = rng.range(3, 9) as usize;
        let mut tags = Vec::with_capacity(count);
        if rng.chance(0.6) {
            tags.push(category);
        }
        let mut tries = 0;
        while tags.len() < count && tries < 100 {
            let tag = ctx.tags[rng.weighted(&ctx.tag_weights)];
            if !tags.contains(&tag) {
                tags.push(tag);
            }
            tries += 1;
        }

        let sentiment = match rng.below(100) {
            0..40 => Some("POSITIVE"),
            40..70 => Some("NEGATIVE"),
            70..95 => Some("NEUTRAL"),
            _ => None,
        };
        let score = rng.below(101);
        let sticky = if rng.chance(0.001) {
            rng.range(1, 9)
        } else {
            0
        };
        let canonical = rng.chance(0.95);
        let photo_ms = rng.range(1_450_000_000_000, 1_760_000_000_000);
        let photo_hex = rng.next_u64() & 0xFFFF_FFFF_FFFF;
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut ixid = String::with_capacity(52);
        ixid.push_str("M3w");
        for _ in 0..49 {
            ixid.push(char::from(B64[rng.below(B64.len() as u64) as usize]));
        }
        Self {
            source: (name, key, kind),
            category,
            external_id,
            published,
            tags,
            sentiment,
            score,
            sticky,
            canonical,
            photo_ms,
            photo_hex,
            ixid,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dates.

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `'2026-01-14T22:57:05.000Z'`, quoted as the aggregator writes it.
fn push_timestamp(out: &mut String, epoch_ms: i64) {
    let secs = epoch_ms.div_euclid(1_000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    let _ = write!(
        out,
        "'{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z'",
        tod / 3_600,
        tod / 60 % 60,
        tod % 60,
        epoch_ms.rem_euclid(1_000)
    );
}

// ---------------------------------------------------------------------------------------------
// YAML scalars.

/// Whether `s` can be written as a plain YAML scalar and read back as the same string.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_alphabetic() || s.ends_with([' ', ':']) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.chars().any(char::is_control) {
        return false;
    }
    let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    !reserved.iter().any(|r| s.eq_ignore_ascii_case(r))
}

fn push_quoted(out: &mut String, s: &str) {
    out.push('\'');
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

fn push_scalar(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
    } else {
        push_quoted(out, s);
    }
}

// ---------------------------------------------------------------------------------------------
// Text.

/// Appends `s` with its first letter upper-cased.
fn push_cap(out: &mut String, s: &str) {
    let mut chars = s.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    En,
    Uk,
}

impl Lang {
    const fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Uk => "uk",
        }
    }

    const fn vocab(self, ctx: &Ctx) -> &Vocab {
        match self {
            Self::En => &ctx.en,
            Self::Uk => &ctx.uk,
        }
    }
}

fn push_usd(out: &mut String, rng: &mut Rng, lang: Lang) {
    let (thousand_sep, decimal, million, billion) = match lang {
        Lang::En => (",", ".", "million", "billion"),
        Lang::Uk => (" ", ",", "млн", "млрд"),
    };
    let _ = match rng.below(3) {
        0 => write!(
            out,
            "${}{thousand_sep}{:03}",
            rng.range(18, 160),
            rng.below(100) * 10
        ),
        1 => write!(out, "${} {million}", rng.range(12, 950)),
        _ => write!(
            out,
            "${}{decimal}{} {billion}",
            rng.range(1, 40),
            rng.below(10)
        ),
    };
}

fn push_pct(out: &mut String, rng: &mut Rng, lang: Lang) {
    let decimal = if lang == Lang::En { '.' } else { ',' };
    let _ = write!(out, "{}{decimal}{}%", rng.range(0, 38), rng.below(10));
}

/// One sentence (ending in a full stop) in the given language.
fn sentence(out: &mut String, rng: &mut Rng, ctx: &Ctx, lang: Lang) {
    match lang {
        Lang::En => sentence_en(out, rng, ctx),
        Lang::Uk => sentence_uk(out, rng, ctx),
    }
}

fn sentence_en(out: &mut String, rng: &mut Rng, ctx: &Ctx) {
    let v = &ctx.en;
    let subject = rng.pick(&v.subjects);
    let (past, base) = v.verbs[rng.below(v.verbs.len() as u64) as usize];
    let object = rng.pick(&v.objects);
    let clause = rng.pick(&v.clauses);
    match rng.below(11) {
        0 | 1 => {
            push_cap(out, subject);
            let _ = write!(out, " {past} {object} {clause}.");
        }
        2 => {
            push_cap(out, clause);
            let _ = write!(out, ", {subject} {past} {object}.");
        }
        3 => {
            out.push_str("Data showed that ");
            out.push_str(rng.pick(&ctx.en_metrics));
            let _ = write!(out, " {} ", rng.pick(&ctx.en_moves));
            push_pct(out, rng, Lang::En);
            let tf = rng.pick(&v.timeframes);
            let _ = write!(out, " {tf}, while {subject} {past} {object}.");
        }
        4 => {
            push_cap(out, rng.pick(&ctx.en_usd_metrics));
            let _ = write!(out, " {} to ", rng.pick(&ctx.en_moves));
            push_usd(out, rng, Lang::En);
            let tf = rng.pick(&v.timeframes);
            let month = rng.pick(&ctx.months);
            let _ = write!(out, " {tf}, a level not seen since {month}.");
        }
        5 => {
            let adj = rng.pick(&v.adjectives);
            let _ = write!(
                out,
                "Analysts described the move as '{adj}' but warned that {subject} could {base} \
                 {object} {clause}."
            );
        }
        6 => {
            let _ = write!(
                out,
                "The key question is whether {subject} can {base} {object} {clause}."
            );
        }
        7 => {
            out.push_str("Roughly ");
            push_usd(out, rng, Lang::En);
            let tf = rng.pick(&v.timeframes);
            let _ = write!(out, " changed hands {tf}, and {subject} {past} {object}.");
        }
        8 => {
            let role = rng.pick(&ctx.en_roles);
            let adj = rng.pick(&v.adjectives);
            let _ = write!(
                out,
                "One {role} noted that {subject} {past} {object}, calling the setup \"{adj}\" \
                 for now."
            );
        }
        9 => {
            let _ = write!(
                out,
                "In practice, this means {subject} may {base} {object} {clause}."
            );
        }
        _ => {
            let other = rng.pick(&v.subjects);
            let (past2, _) = v.verbs[rng.below(v.verbs.len() as u64) as usize];
            let object2 = rng.pick(&v.objects);
            push_cap(out, subject);
            let _ = write!(out, " {past} {object}, and {other} {past2} {object2}.");
        }
    }
}

fn sentence_uk(out: &mut String, rng: &mut Rng, ctx: &Ctx) {
    let v = &ctx.uk;
    let subject = rng.pick(&v.subjects);
    let (past, base) = v.verbs[rng.below(v.verbs.len() as u64) as usize];
    let object = rng.pick(&v.objects);
    let clause = rng.pick(&v.clauses);
    match rng.below(7) {
        0 | 1 => {
            push_cap(out, subject);
            let _ = write!(out, " {past} {object} {clause}.");
        }
        2 => {
            push_cap(out, clause);
            let _ = write!(out, ", {subject} {past} {object}.");
        }
        3 => {
            let (metric, up, down) =
                ctx.uk_metrics[rng.below(ctx.uk_metrics.len() as u64) as usize];
            push_cap(out, metric);
            let _ = write!(out, " {} на ", if rng.chance(0.5) { up } else { down });
            push_pct(out, rng, Lang::Uk);
            let tf = rng.pick(&v.timeframes);
            let _ = write!(out, " {tf}, тоді як {subject} {past} {object}.");
        }
        4 => {
            let adj = rng.pick(&v.adjectives);
            let _ = write!(
                out,
                "Аналітики назвали цей рух «{adj}», але попередили, що {subject} можуть {base} \
                 {object} {clause}."
            );
        }
        5 => {
            out.push_str("Близько ");
            push_usd(out, rng, Lang::Uk);
            let tf = rng.pick(&v.timeframes);
            let _ = write!(out, " змінили власника {tf}, а {subject} {past} {object}.");
        }
        _ => {
            let _ = write!(
                out,
                "На практиці це означає, що {subject} можуть {base} {object} {clause}."
            );
        }
    }
}

/// A sentence with an inline Markdown link.
fn link_sentence(out: &mut String, rng: &mut Rng, ctx: &Ctx, lang: Lang, story: &Story) {
    let v = lang.vocab(ctx);
    let subject = rng.pick(&v.subjects);
    let (past, _) = v.verbs[rng.below(v.verbs.len() as u64) as usize];
    let object = rng.pick(&v.objects);
    let text = rng.pick(&v.link_texts);
    push_cap(out, subject);
    let via = if lang == Lang::En {
        "according to"
    } else {
        "як свідчить"
    };
    let section = rng.pick(&["research", "markets", "data", "reports"]);
    let _ = write!(
        out,
        " {past} {object}, {via} [{text}](https://example.org/{section}/{}/{}-{}).",
        story.source.1,
        rng.range(1_000, 99_999),
        story.category.to_ascii_lowercase()
    );
}

/// A bullet or numbered-list item: a short factual line.
fn list_item(out: &mut String, rng: &mut Rng, ctx: &Ctx, lang: Lang) {
    if rng.chance(0.4) {
        match lang {
            Lang::En => {
                push_cap(out, rng.pick(&ctx.en_metrics));
                let _ = write!(out, " {} ", rng.pick(&ctx.en_moves));
                push_pct(out, rng, lang);
                let _ = write!(out, " {}.", rng.pick(&ctx.en.timeframes));
            }
            Lang::Uk => {
                let (metric, up, down) =
                    ctx.uk_metrics[rng.below(ctx.uk_metrics.len() as u64) as usize];
                push_cap(out, metric);
                let _ = write!(out, " {} на ", if rng.chance(0.5) { up } else { down });
                push_pct(out, rng, lang);
                let _ = write!(out, " {}.", rng.pick(&ctx.uk.timeframes));
            }
        }
    } else {
        sentence(out, rng, ctx, lang);
    }
}

/// Appends sentences until the paragraph reaches about `end` bytes of `out` (a sentence is kept
/// when at least half of it fits), then a blank line.
fn paragraph(out: &mut String, rng: &mut Rng, ctx: &Ctx, lang: Lang, end: usize, lead: &str) {
    let start = out.len();
    out.push_str(lead);
    loop {
        let before = out.len();
        if before > start {
            out.push(' ');
        }
        sentence(out, rng, ctx, lang);
        let len = out.len() - before;
        if before > start && before + len / 2 > end {
            out.truncate(before);
            break;
        }
        if out.len() >= end {
            break;
        }
    }
    out.push_str("\n\n");
}

/// Bullet lines (at least three) until about `end` bytes.
fn bullets(out: &mut String, rng: &mut Rng, ctx: &Ctx, lang: Lang, end: usize) {
    let mut count = 0;
    loop {
        let before = out.len();
        out.push_str("- ");
        list_item(out, rng, ctx, lang);
        out.push('\n');
        count += 1;
        let len = out.len() - before;
        if count > 3 && before + len / 2 > end {
            out.truncate(before);
            break;
        }
        if count >= 3 && out.len() >= end {
            break;
        }
    }
}

fn title_en(out: &mut String, rng: &mut Rng, ctx: &Ctx) {
    let head = rng.pick(&ctx.title_heads);
    let (head, plural) = match head.strip_suffix('+') {
        Some(h) => (h, true),
        None => (head, false),
    };
    let (singular_verb, plural_verb) =
        ctx.title_verbs[rng.below(ctx.title_verbs.len() as u64) as usize];
    out.push_str(head);
    out.push(' ');
    out.push_str(if plural { plural_verb } else { singular_verb });
    out.push(' ');
    let _ = match rng.below(8) {
        0 => write!(out, "${},000", rng.range(20, 160)),
        1 => write!(out, "${} million in shorts", rng.range(100, 990)),
        2 => write!(out, "{}% gains", rng.range(3, 60)),
        _ => {
            out.push_str(rng.pick(&ctx.title_objects));
            Ok(())
        }
    };
    add_tails(out, rng, &ctx.title_phrases, &ctx.title_endings);
}

fn title_uk(out: &mut String, rng: &mut Rng, ctx: &Ctx) {
    let v = &ctx.uk;
    push_cap(out, rng.pick(&v.subjects));
    let (past, _) = v.verbs[rng.below(v.verbs.len() as u64) as usize];
    let _ = write!(out, " {past} {}", rng.pick(&v.objects));
    add_tails(out, rng, &ctx.uk_title_phrases, &ctx.uk_title_endings);
}

/// Grows the title towards its drawn length of 6–14 words: up to two phrases, then an ending.
fn add_tails(out: &mut String, rng: &mut Rng, phrases: &[&str], endings: &[&str]) {
    let target = rng.range(6, MAX_TITLE_WORDS as u64) as usize;
    let mut words = word_count(out);
    let append = |out: &mut String, words: &mut usize, text: &str| {
        out.push(' ');
        out.push_str(text);
        *words += word_count(text);
    };
    let mut last = None;
    for _ in 0..2 {
        if words + 1 >= target {
            break;
        }
        if let Some(k) = pick_fitting(rng, phrases, MAX_TITLE_WORDS - words, last) {
            append(out, &mut words, phrases[k]);
            last = Some(k);
        }
    }
    if words < target
        && let Some(k) = pick_fitting(rng, endings, MAX_TITLE_WORDS - words, None)
    {
        append(out, &mut words, endings[k]);
    }
    while words < 6 {
        let Some(k) = pick_fitting(rng, phrases, MAX_TITLE_WORDS - words, last) else {
            break;
        };
        append(out, &mut words, phrases[k]);
        last = Some(k);
    }
}

/// A random item of at most `room` words, other than `avoid`.
fn pick_fitting(rng: &mut Rng, items: &[&str], room: usize, avoid: Option<usize>) -> Option<usize> {
    let fits = |&k: &usize| Some(k) != avoid && word_count(items[k]) <= room;
    (0..8)
        .map(|_| rng.below(items.len() as u64) as usize)
        .find(fits)
        .or_else(|| (0..items.len()).find(fits))
}

/// A file-name slug: lower-case ASCII words joined by hyphens, at most ~60 bytes.
fn slugify(title: &str, out: &mut String) {
    out.clear();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '$' {
            continue;
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() >= 60 {
                break;
            }
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("article");
    }
}

/// The description's sentences, untruncated (the body's overview starts with them): one or two,
/// and a third only when two stay under 200 characters (the teaser then cuts it off).
fn description_sentences(out: &mut String, rng: &mut Rng, ctx: &Ctx, lang: Lang) {
    out.clear();
    sentence(out, rng, ctx, lang);
    for _ in 0..2 {
        if out.chars().count() >= 200 {
            break;
        }
        out.push(' ');
        sentence(out, rng, ctx, lang);
    }
}

/// The teaser: the sentences cut at a word boundary near 300 characters with an ellipsis.
fn push_description(out: &mut String, full: &str) {
    if full.chars().count() <= 300 {
        push_quoted(out, full);
        return;
    }
    let cut = full.char_indices().nth(297).map_or(full.len(), |(i, _)| i);
    let head = &full[..cut];
    let head = head.rfind(' ').map_or(head, |i| &head[..i]);
    let head = head.trim_end_matches([',', ';', '.', ' ', '—']);
    let mut teaser = String::with_capacity(head.len() + 3);
    teaser.push_str(head);
    teaser.push('…');
    push_quoted(out, &teaser);
}

// ---------------------------------------------------------------------------------------------
// One article.

#[derive(Default)]
struct Scratch {
    out: String,
    title: String,
    slug: String,
    desc: String,
    name: String,
}

/// Writes article `index` into `s.out` (and its slug into `s.slug`); returns whether it is `uk`.
fn render_article(ctx: &Ctx, index: u64, s: &mut Scratch) -> bool {
    let lang = if ctx.is_uk(index) { Lang::Uk } else { Lang::En };
    let story_index = if lang == Lang::Uk { index - 1 } else { index };
    let story = Story::new(ctx, story_index);
    let mut file_rng = Rng::for_item(ctx.seed, index, STREAM_FILE);
    let mut rng = Rng::for_item(ctx.seed, index, STREAM_TEXT);

    // The English title of the story names the file and the canonical URL for both languages.
    s.title.clear();
    title_en(
        &mut s.title,
        &mut Rng::for_item(ctx.seed, story_index, STREAM_TITLE),
        ctx,
    );
    slugify(&s.title, &mut s.slug);
    if lang == Lang::Uk {
        s.title.clear();
        title_uk(&mut s.title, &mut rng, ctx);
    }
    description_sentences(&mut s.desc, &mut rng, ctx, lang);

    let published_ms = if lang == Lang::Uk {
        (story.published + file_rng.range(5 * 60, 3 * 3_600) as i64) * 1_000
    } else {
        story.published * 1_000
    };
    let updated_ms =
        published_ms + file_rng.range(60, 6 * 3_600) as i64 * 1_000 + file_rng.below(1_000) as i64;
    let draft = file_rng.chance(0.01);
    let target = TARGET_BASE
        + (file_rng.below(TARGET_SPREAD + 1) + file_rng.below(TARGET_SPREAD + 1)) as usize;

    let out = &mut s.out;
    out.clear();
    out.push_str("---\ntitle: ");
    push_scalar(out, &s.title);
    out.push_str("\ndescription: ");
    push_description(out, &s.desc);
    out.push_str("\npublishedAt: ");
    push_timestamp(out, published_ms);
    out.push_str("\nupdatedAt: ");
    push_timestamp(out, updated_ms);
    let (source_name, source_key, source_type) = story.source;
    let _ = write!(
        out,
        "\nlang: {}\nexternalId: '{}'\nsource:\n  name: ",
        lang.code(),
        story.external_id
    );
    push_scalar(out, source_name);
    let _ = write!(
        out,
        "\n  key: {source_key}\n  type: {source_type}\ncanonicalUrl: "
    );
    if story.canonical {
        let (y, m, d) = civil_from_days(story.published.div_euclid(86_400));
        let _ = write!(
            out,
            "'https://{source_key}.example.com/news/{y}/{m:02}/{d:02}/{}-{}'",
            s.slug, story.external_id
        );
    } else {
        out.push_str("null");
    }
    out.push_str("\ncategory: ");
    push_scalar(out, story.category);
    out.push_str("\ntags:\n");
    for tag in &story.tags {
        out.push_str("  - ");
        push_scalar(out, tag);
        out.push('\n');
    }
    let _ = writeln!(out, "stickyWeight: {}", story.sticky);
    if let Some(sentiment) = story.sentiment {
        let _ = writeln!(out, "sentiment: {sentiment}");
    }
    let _ = write!(out, "score: {}\ndraft: {draft}\ncoverImage:\n", story.score);
    let photo = format!("photo-{}-{:012x}", story.photo_ms, story.photo_hex);
    let base = "https://images.unsplash.com/";
    let ixid = &story.ixid;
    let lib = "ixlib=rb-4.1.0";
    let fit = "crop=entropy&cs=tinysrgb&fit=max&fm=jpg";
    let _ = writeln!(
        out,
        "  raw: '{base}{photo}?ixid={ixid}&{lib}'\n  \
         full: '{base}{photo}?crop=entropy&cs=srgb&fm=jpg&ixid={ixid}&{lib}&q=85'\n  \
         regular: '{base}{photo}?{fit}&ixid={ixid}&{lib}&q=80&w=1080'\n  \
         small: '{base}{photo}?{fit}&ixid={ixid}&{lib}&q=80&w=400'\n  \
         thumb: '{base}{photo}?{fit}&ixid={ixid}&{lib}&q=80&w=200'\n  \
         small_s3: 'https://s3.us-west-2.amazonaws.com/images.unsplash.com/small/{photo}'"
    );
    out.push_str("ai:\n");
    if lang == Lang::Uk {
        let _ = writeln!(out, "  translatedFrom: '{}'", story.external_id);
    } else {
        out.push_str("  rewritten: true\n  expandedAt: ");
        push_timestamp(out, updated_ms);
        out.push('\n');
    }
    out.push_str("  version: 1\n---\n");

    render_body(out, &mut rng, ctx, lang, &story, &s.desc, target);
    lang == Lang::Uk
}

/// The Markdown body, sized so the whole file comes to about `target` bytes. Each section gets
/// its share of what is left when it starts, so extras (lists, subheadings) self-correct.
fn render_body(
    out: &mut String,
    rng: &mut Rng,
    ctx: &Ctx,
    lang: Lang,
    story: &Story,
    lead: &str,
    target: usize,
) {
    const WEIGHTS: [usize; 4] = [16, 40, 24, 20];
    let v = lang.vocab(ctx);
    let section_end = |out: &String, k: usize| {
        let rest: usize = WEIGHTS[k..].iter().sum();
        out.len() + target.saturating_sub(out.len()) * WEIGHTS[k] / rest
    };
    let paragraph_end = |out: &String, rng: &mut Rng, end: usize, left: u64| {
        let share = end.saturating_sub(out.len()) as u64 / left;
        out.len() + (share * rng.range(80, 120) / 100) as usize
    };

    // Overview: starts with the description's sentences.
    let _ = writeln!(out, "{}\n", v.headings[0]);
    let end = section_end(out, 0);
    paragraph(out, rng, ctx, lang, end, lead);

    // What happened: 2–4 paragraphs, maybe a numbered list, a subheading, an inline link.
    let _ = writeln!(out, "{}\n", v.headings[1]);
    let end = section_end(out, 1);
    let count = rng.range(2, 4);
    let numbered = rng.chance(0.2);
    let subheading = rng.chance(0.25);
    let link_at = if rng.chance(0.35) {
        Some(rng.below(count))
    } else {
        None
    };
    for p in 0..count {
        if p == 1 && numbered {
            out.push_str(rng.pick(&v.list_intros));
            out.push_str("\n\n");
            for n in 1..=rng.range(3, 5) {
                let _ = write!(out, "{n}. ");
                list_item(out, rng, ctx, lang);
                out.push('\n');
            }
            out.push('\n');
        }
        if p == count - 1 && subheading {
            let _ = writeln!(out, "### {}\n", rng.pick(&v.subheadings));
        }
        let para_end = paragraph_end(out, rng, end, count - p);
        if link_at == Some(p) {
            let mut lead = String::new();
            link_sentence(&mut lead, rng, ctx, lang, story);
            paragraph(out, rng, ctx, lang, para_end, &lead);
        } else {
            paragraph(out, rng, ctx, lang, para_end, "");
        }
    }

    // From author: 1–3 paragraphs.
    let _ = writeln!(out, "{}\n", v.headings[2]);
    let end = section_end(out, 2);
    let count = rng.range(1, 3);
    for p in 0..count {
        let para_end = paragraph_end(out, rng, end, count - p);
        paragraph(out, rng, ctx, lang, para_end, "");
    }

    // Impact: a bullet list.
    let _ = writeln!(out, "{}\n", v.headings[3]);
    let end = section_end(out, 3);
    bullets(out, rng, ctx, lang, end);
}

// ---------------------------------------------------------------------------------------------
// Driver.

#[derive(Default, Clone, Copy)]
pub struct Totals {
    pub files: u64,
    pub uk: u64,
    pub bytes: u64,
}

impl Totals {
    const fn merge(self, other: Self) -> Self {
        Self {
            files: self.files + other.files,
            uk: self.uk + other.uk,
            bytes: self.bytes + other.bytes,
        }
    }
}

fn write_shard(ctx: &Ctx, dir: &Path, shard: u64, n: u64) -> std::io::Result<Totals> {
    let shard_dir = dir.join(format!("{shard:03}"));
    std::fs::create_dir_all(&shard_dir)?;
    let mut s = Scratch::default();
    let mut totals = Totals::default();
    for index in shard * SHARD_SIZE..((shard + 1) * SHARD_SIZE).min(n) {
        let uk = render_article(ctx, index, &mut s);
        s.name.clear();
        let _ = write!(s.name, "{index:06}-{}.md", s.slug);
        std::fs::write(shard_dir.join(&s.name), s.out.as_bytes())?;
        totals.files += 1;
        totals.uk += u64::from(uk);
        totals.bytes += s.out.len() as u64;
    }
    Ok(totals)
}

struct Args {
    dir: PathBuf,
    count: u64,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut seed = DEFAULT_SEED;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = if arg == "--seed" {
            Some(args.next().ok_or("--seed needs a value")?)
        } else {
            arg.strip_prefix("--seed=").map(str::to_owned)
        };
        match value {
            Some(v) => seed = v.parse().map_err(|_| format!("bad seed: {v}"))?,
            None if arg.starts_with("--") => return Err(format!("unknown option: {arg}")),
            None => positional.push(arg),
        }
    }
    let [dir, count] = <[String; 2]>::try_from(positional)
        .map_err(|_| "expected two arguments: DIR N".to_owned())?;
    let count = count
        .replace('_', "")
        .parse()
        .map_err(|_| format!("bad file count: {count}"))?;
    Ok(Args {
        dir: PathBuf::from(dir),
        count,
        seed,
    })
}

/// Writes `count` articles into `dir` (also used by the benchmarks, which include this file).
pub fn write_corpus(dir: &Path, count: u64, seed: u64) -> std::io::Result<Totals> {
    let ctx = Ctx::new(seed);
    let shards = count.div_ceil(SHARD_SIZE);
    std::fs::create_dir_all(dir)?;
    (0..shards)
        .into_par_iter()
        .map(|shard| write_shard(&ctx, dir, shard, count))
        .try_reduce(Totals::default, |a, b| Ok(a.merge(b)))
}

fn main() {
    let args = parse_args().unwrap_or_else(|msg| {
        eprintln!("gen_corpus: {msg}\nusage: gen_corpus DIR N [--seed S]");
        std::process::exit(2);
    });
    let started = Instant::now();
    let shards = args.count.div_ceil(SHARD_SIZE);
    let result = write_corpus(&args.dir, args.count, args.seed);
    let totals = result.unwrap_or_else(|err| {
        eprintln!("gen_corpus: writing to {}: {err}", args.dir.display());
        std::process::exit(1);
    });
    let secs = started.elapsed().as_secs_f64();
    let average = if totals.files == 0 {
        0.0
    } else {
        totals.bytes as f64 / totals.files as f64
    };
    println!(
        "gen_corpus: {} files ({} uk) in {} shards under {}, {} bytes ({:.1} MB), \
         average {average:.0} bytes/file, {secs:.2} s (seed {})",
        totals.files,
        totals.uk,
        shards,
        args.dir.display(),
        totals.bytes,
        totals.bytes as f64 / 1e6,
        args.seed
    );
}
