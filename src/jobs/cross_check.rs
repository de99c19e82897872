//! The nightly cross-check: every open register entry against every social care record.
//! Reads both sides, estimates the model's parameters from the data itself, matches, then writes
//! links, flags and tasks in one transaction, so a run that dies part-way leaves the last results
//! as they were. Runs once across instances, under a database lease.
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::db::schema::{
    addresses, child_flags, children, cross_check_runs, match_links, social_care_episodes,
    social_care_records,
};
use crate::db::{lease, new_id, now, AnyConnection};
use crate::domain::commencement::{Commencement, Provision};
use crate::domain::consent::ApplicationStatus;
use crate::domain::export::spreadsheet_safe;
use crate::domain::matching::{
    self as m, Decision, Gamma, LinkState, Model, Person, Prepared, RunStatus, Thresholds,
};
use crate::domain::register::AddressKind;
use crate::domain::register::EntryStatus;
use crate::domain::safeguarding::{
    flags_for, household_flag, may_show_condition_b, FLAG_KINDS, HOUSEHOLD_KNOWN,
};
use crate::store::social_care::identity_hash;
use crate::store::tasks::TaskKind;
use crate::store::tasks::{self, TeamAlert};

const LEASE: &str = "cross-check";
/// A bucket of records sharing one blocking key larger than this is skipped (and counted): it
/// would be a common name on a common day, which other keys still cover.
const MAX_BUCKET: usize = 5_000;
const RANDOM_PAIRS: usize = 200_000;
const EM_ROUNDS: usize = 25;

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub run_id: String,
    pub children: usize,
    pub records: usize,
    pub pairs: usize,
    pub matches: usize,
    pub reviews: usize,
    /// Children of the same household (not the same child).
    pub households: usize,
    pub flags_raised: usize,
    pub flags_ended: usize,
    pub skipped_buckets: usize,
    /// Possible matches not queued because both people are already accounted for.
    pub explained_reviews: usize,
    /// (register reference, social care record id, decision, score) for each match or review.
    pub report: Vec<(String, String, String, f64)>,
    pub model: Option<Model>,
}

pub enum Outcome {
    Completed(Box<Summary>),
    /// Another instance holds the lease.
    Busy,
}

struct Side {
    id: String,
    reference: String,
    hash: String,
    prepared: Prepared,
    /// A social care record that may show condition B: its possible matches go to an officer
    /// at a lower probability (`Thresholds::for_record`). Always false for a register entry.
    condition_b: bool,
}

fn load_children(conn: &mut AnyConnection) -> QueryResult<Vec<Side>> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        String,
        Option<NaiveDate>,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .select((
            children::id,
            children::reference,
            children::la_reference,
            children::given_names,
            children::family_name,
            children::date_of_birth,
            children::sex,
            children::upn,
            children::nhs_number,
        ))
        .load(conn)?;
    let homes: Vec<(String, String, String)> = addresses::table
        .filter(addresses::kind.eq(AddressKind::Current))
        .select((addresses::child_id, addresses::line_1, addresses::postcode))
        .load(conn)?;
    let homes: HashMap<String, (String, String)> =
        homes.into_iter().map(|(c, l, p)| (c, (l, p))).collect();
    Ok(rows
        .into_par_iter()
        .map(
            |(id, reference, la_ref, given, family, dob, sex, upn, nhs)| {
                let home = homes.get(&id);
                let dob_s = dob.map(|d| d.to_string());
                let hash = identity_hash(&[
                    Some(&given),
                    Some(&family),
                    dob_s.as_deref(),
                    Some(&sex),
                    upn.as_deref(),
                    nhs.as_deref(),
                    home.map(|h| h.0.as_str()),
                    home.map(|h| h.1.as_str()),
                ]);
                let prepared = m::prepare(&Person {
                    given_names: &given,
                    family_name: &family,
                    date_of_birth: dob,
                    sex: &sex,
                    postcode: home.map(|h| h.1.as_str()),
                    address_line_1: home.map(|h| h.0.as_str()),
                    upn: upn.as_deref(),
                    former_upn: None,
                    nhs_number: nhs.as_deref(),
                });
                Side {
                    id,
                    reference: la_ref.unwrap_or(reference),
                    hash,
                    prepared,
                    condition_b: false,
                }
            },
        )
        .collect())
}

/// Records are read and prepared this many at a time: a council's whole extract read at once
/// stood beside its prepared copy, and the memory it left behind was not given back.
const READ_BATCH: usize = 50_000;

fn load_records(conn: &mut AnyConnection, today: NaiveDate) -> QueryResult<Vec<Side>> {
    use crate::store::social_care::SocialCareRecord;
    let condition_b = records_showing_condition_b(conn, today)?;
    let prepare = |batch: &mut Vec<SocialCareRecord>, out: &mut Vec<Side>| {
        out.par_extend(batch.par_drain(..).map(|r| {
            let prepared = m::prepare(&Person {
                given_names: r.given_names.as_deref().unwrap_or(""),
                family_name: r.family_name.as_deref().unwrap_or(""),
                date_of_birth: r.date_of_birth,
                sex: &r.sex,
                postcode: r.postcode.as_deref(),
                address_line_1: r.address_line_1.as_deref(),
                upn: r.upn.as_deref(),
                former_upn: r.former_upn.as_deref(),
                nhs_number: r.nhs_number.as_deref(),
            });
            Side {
                condition_b: condition_b.contains(&r.id),
                id: r.id,
                reference: r.source_record_id,
                hash: r.data_hash,
                prepared,
            }
        }));
    };
    let mut out = vec![];
    let mut batch = Vec::with_capacity(READ_BATCH);
    for row in social_care_records::table
        .select(SocialCareRecord::as_select())
        .load_iter::<SocialCareRecord, diesel::connection::DefaultLoadingMode>(conn)?
    {
        batch.push(row?);
        if batch.len() == READ_BATCH {
            prepare(&mut batch, &mut out);
        }
    }
    prepare(&mut batch, &mut out);
    Ok(out)
}

/// The records whose enquiries and plans may show condition B today (child in need periods
/// never do, so they are not read).
fn records_showing_condition_b(
    conn: &mut AnyConnection,
    today: NaiveDate,
) -> QueryResult<HashSet<String>> {
    use crate::domain::safeguarding::{five_years_ending_with, EpisodeKind};
    use social_care_episodes::dsl as e;
    // Only what ended in the five years (or is going on) can count; the rule decides the rest.
    let from = five_years_ending_with(today);
    let rows: Vec<crate::store::social_care::Episode> = e::social_care_episodes
        .filter(e::kind.ne(EpisodeKind::ChildInNeed))
        .filter(
            e::end_date
                .is_null()
                .or(e::end_date.ge(from))
                .or(e::action_date.ge(from)),
        )
        .select(crate::store::social_care::Episode::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|e| may_show_condition_b(&[e.to_domain()], today))
        .map(|e| e.record_id)
        .collect())
}

/// Scores every blocked pair and returns the ones worth keeping, with the model.
pub struct Scored {
    /// (child index, record index, comparison, probability, decision, identifier)
    pub pairs: Vec<ScoredPair>,
    pub compared: usize,
    pub skipped_buckets: usize,
    pub explained_reviews: usize,
    pub model: Model,
}

pub type ScoredPair = (u32, u32, Gamma, f64, Decision);

/// Drops the possible matches (reviews) whose social care record is already linked to another
/// register child by a shared identifier or a probability above the match threshold: the record
/// is that child's, and the pair is almost always a sibling or a namesake; at council scale they
/// would swamp the queue. A child already linked to one record keeps its other possible
/// matches: social care systems hold duplicate records of one child, and the second may carry
/// the child protection plan. Pairs with a shared identifier (probability 1) are always kept.
/// Returns how many were dropped.
pub fn drop_explained_reviews(pairs: &mut Vec<ScoredPair>) -> usize {
    let linked_recs: HashSet<u32> = pairs
        .iter()
        .filter(|(_, _, _, _, d)| *d == Decision::Match)
        .map(|(_, ri, _, _, _)| *ri)
        .collect();
    let before = pairs.len();
    pairs.retain(|(_, ri, _, p, d)| {
        *d != Decision::Review || *p >= 1.0 || !linked_recs.contains(ri)
    });
    before - pairs.len()
}

/// A blocking key as 64 bits: the index holds ten million of them at council scale.
fn key_hash(k: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

/// How many pairs ahead a record is read into the cache (`Prepared::warm`).
const WARM_AHEAD: usize = 4;

/// The top bits of a blocking key that `radix_starts` files runs under.
const RADIX_BITS: u32 = 20;

/// For each value `p` of a key's top `RADIX_BITS` bits, where the keys with those bits start in
/// the sorted `index` (and, at `p + 1`, where they end).
fn radix_starts(index: &[(u64, u32)]) -> Vec<usize> {
    let n = 1usize << RADIX_BITS;
    let mut starts = vec![0usize; n + 1];
    for (k, _) in index {
        starts[(k >> (64 - RADIX_BITS)) as usize + 1] += 1;
    }
    for p in 0..n {
        starts[p + 1] += starts[p];
    }
    starts
}

/// Marks a packed comparison whose pair the model scores but does not learn from
/// (`m::key_trains_model`). `pack` uses 27 bits and `unpack` reads only those.
const SCORED_ONLY: u32 = 1 << 31;

/// A comparison vector in 27 bits: three per field, 7 meaning missing.
fn pack(g: &Gamma) -> u32 {
    g.iter().enumerate().fold(0u32, |acc, (f, l)| {
        acc | (u32::from(l.unwrap_or(7)) << (3 * f))
    })
}

fn unpack(x: u32) -> Gamma {
    let mut g: Gamma = [None; m::N];
    for (f, slot) in g.iter_mut().enumerate() {
        let l = ((x >> (3 * f)) & 7) as u8;
        *slot = (l != 7).then_some(l);
    }
    g
}

fn score_all(kids: &[Side], recs: &[Side], t: Thresholds) -> Scored {
    // The index: (key, record) sorted by key; a bucket is a run of equal keys.
    let mut index: Vec<(u64, u32)> = recs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, r)| {
            m::block_keys(&r.prepared, m::KeyRole::Filed)
                .into_iter()
                .map(move |k| {
                    let identifier = k.starts_with('u') || k.starts_with('n');
                    // Identifier keys keep their bucket whatever its size: mark them.
                    ((key_hash(&k) & !1) | u64::from(identifier), i as u32)
                })
        })
        .collect();
    index.par_sort_unstable();
    // Where each run of keys with the same top bits starts: a lookup then searches a dozen
    // entries near each other instead of the whole index (a cache miss at each of its 24 steps,
    // for twenty keys of each of 200,000 children). The keys are hashes, so the runs are even.
    let starts = radix_starts(&index);
    let bucket = |k: u64| -> &[(u64, u32)] {
        let p = (k >> (64 - RADIX_BITS)) as usize;
        let run = &index[starts[p]..starts[p + 1]];
        let lo = run.partition_point(|(x, _)| *x < k);
        let hi = run.partition_point(|(x, _)| *x <= k);
        &run[lo..hi]
    };
    let mut skipped_buckets = 0;
    let mut run = 0;
    for w in 0..index.len() {
        run += 1;
        if w + 1 == index.len() || index[w + 1].0 != index[w].0 {
            if run > MAX_BUCKET && index[w].0 & 1 == 0 {
                skipped_buckets += 1;
            }
            run = 0;
        }
    }
    let candidates: Vec<(u32, u32, u32)> = kids
        .par_iter()
        .enumerate()
        .flat_map_iter(|(ci, c)| {
            // Records met by a key the model learns from, then those met only by the others.
            let (mut seen, mut wide): (Vec<u32>, Vec<u32>) = (vec![], vec![]);
            for k in m::block_keys(&c.prepared, m::KeyRole::Looking) {
                let identifier = k.starts_with('u') || k.starts_with('n');
                let b = bucket((key_hash(&k) & !1) | u64::from(identifier));
                if b.len() <= MAX_BUCKET || identifier {
                    let into = if m::key_trains_model(&k) {
                        &mut seen
                    } else {
                        &mut wide
                    };
                    into.extend(b.iter().map(|(_, r)| *r));
                }
            }
            seen.sort_unstable();
            seen.dedup();
            wide.sort_unstable();
            wide.dedup();
            wide.retain(|r| seen.binary_search(r).is_err());
            let trains = seen.len();
            seen.extend(wide);
            (0..seen.len())
                .filter_map(|i| {
                    if let Some(&ahead) = seen.get(i + WARM_AHEAD) {
                        recs[ahead as usize].prepared.warm();
                    }
                    let ri = seen[i];
                    let r = &recs[ri as usize].prepared;
                    let g = m::compare(&c.prepared, r);
                    if i < trains {
                        Some((ci as u32, ri, pack(&g)))
                    } else {
                        m::worth_scoring_wide(&g).then(|| (ci as u32, ri, pack(&g) | SCORED_ONLY))
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    drop(index);
    log::info!("cross-check: {} blocked pairs compared", candidates.len());
    // u from random pairs; m and the share of links by EM over the blocked pairs.
    let mut rng = rand::rngs::StdRng::seed_from_u64(436);
    // The random pairs and the training order are drawn first, in the order they always were,
    // so the model is the same; the comparing and counting then run side by side.
    let random_pairs: Vec<(usize, usize)> = if kids.is_empty() || recs.is_empty() {
        vec![]
    } else {
        (0..RANDOM_PAIRS.min(kids.len() * recs.len()))
            .map(|_| (rng.gen_range(0..kids.len()), rng.gen_range(0..recs.len())))
            .collect()
    };
    let mut order: Vec<usize> = (0..kids.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.gen_range(0..=i));
    }
    let ((u, patterns), (by_dob, by_names)) = rayon::join(
        || {
            let random: Vec<Gamma> = random_pairs
                .par_iter()
                .map(|&(c, r)| m::compare(&kids[c].prepared, &recs[r].prepared))
                .collect();
            let u = m::estimate_u(random.iter());
            // Counted on the packed vectors, on both cores: there are a few thousand
            // different ones among twenty million pairs.
            let patterns: HashMap<Gamma, u64> = candidates
                .par_iter()
                .filter(|(_, _, g)| g & SCORED_ONLY == 0)
                .fold(HashMap::<u32, u64>::new, |mut counts, (_, _, g)| {
                    *counts.entry(*g).or_default() += 1;
                    counts
                })
                .reduce(HashMap::new, |mut a, b| {
                    for (g, n) in b {
                        *a.entry(g).or_default() += n;
                    }
                    a
                })
                .into_iter()
                .map(|(g, n)| (unpack(g), n))
                .collect();
            (u, patterns)
        },
        || training_sessions(kids, recs, order),
    );
    let all_pairs = kids.len() as f64 * recs.len() as f64;
    let model = m::estimate_in_sessions(&by_dob, &by_names, &patterns, &u, EM_ROUNDS, all_pairs);
    log::info!("cross-check: parameters estimated");
    let compared = candidates.len();
    // How common each name is among the records, for the term-frequency adjustment.
    let mut first_tf: HashMap<&str, f64> = HashMap::new();
    let mut family_tf: HashMap<&str, f64> = HashMap::new();
    for r in recs {
        *first_tf.entry(r.prepared.first.as_str()).or_default() += 1.0;
        *family_tf.entry(r.prepared.family.as_str()).or_default() += 1.0;
    }
    let total = recs.len().max(1) as f64;
    // A name seen once or twice is given at least the weight of one in a thousand records'
    // worth of chance, so a rare typo cannot carry a pair on its own.
    let floor = (1.0 / total).max(1e-6);
    let share = |t: &HashMap<&str, f64>, k: &str| t.get(k).map(|n| (n / total).max(floor));
    let mut pairs: Vec<ScoredPair> = candidates
        .into_par_iter()
        .filter_map(|(ci, ri, g)| {
            let g = unpack(g);
            // Everything about the record is in its comparison vector: reading the record again
            // here, for twenty million pairs in no order, was a cache miss each.
            let c = &kids[ci as usize].prepared;
            let id = m::shared_identifier_in(&g);
            // Exact agreement on a name (level 0) means the names are equal.
            let tf = [
                (g[0] == Some(0))
                    .then(|| share(&first_tf, &c.first))
                    .flatten(),
                (g[1] == Some(0))
                    .then(|| share(&family_tf, &c.family))
                    .flatten(),
            ];
            let p = m::to_probability(model.score(&g) + model.tf_adjustment(&g, tf));
            let d = m::decide(&g, p, id, t.for_record(recs[ri as usize].condition_b));
            // Every compared pair by ids and levels only, to measure the matcher against
            // labelled data (`scripts/linkage_oracle.py`); off unless RUST_LOG asks for it.
            log::trace!(target: "cnis::pairs", "{},{} {} {} {p:.6} {}",
                kids[ci as usize].reference, recs[ri as usize].reference,
                levels_in(&g), name_rarity(tf), d.code());
            (d != Decision::None).then_some((ci, ri, g, if id.is_some() { 1.0 } else { p }, d))
        })
        .collect();
    let explained_reviews = drop_explained_reviews(&mut pairs);
    Scored {
        pairs,
        compared,
        skipped_buckets,
        explained_reviews,
        model,
    }
}

/// Pairs for the two training sessions, as comparison-vector counts with the blocked fields
/// hidden: records sharing a child's date of birth, and records sharing both names exactly.
/// Sampled, so training costs the same at any scale.
fn training_sessions(
    kids: &[Side],
    recs: &[Side],
    order: Vec<usize>,
) -> (HashMap<Gamma, u64>, HashMap<Gamma, u64>) {
    const SESSION_PAIRS: usize = 1_000_000;
    let mut by_dob_index: HashMap<NaiveDate, Vec<u32>> = HashMap::new();
    let mut by_name_index: HashMap<(&str, &str), Vec<u32>> = HashMap::new();
    for (i, r) in recs.iter().enumerate() {
        if let Some(d) = r.prepared.dob {
            by_dob_index.entry(d).or_default().push(i as u32);
        }
        if !r.prepared.first.is_empty() && !r.prepared.family.is_empty() {
            by_name_index
                .entry((&r.prepared.first, &r.prepared.family))
                .or_default()
                .push(i as u32);
        }
    }
    let mut by_dob: HashMap<Gamma, u64> = HashMap::new();
    let mut by_names: HashMap<Gamma, u64> = HashMap::new();
    let (mut n_dob, mut n_names) = (0usize, 0usize);
    for ci in order {
        let c = &kids[ci].prepared;
        if n_dob < SESSION_PAIRS {
            if let Some(bucket) = c.dob.and_then(|d| by_dob_index.get(&d)) {
                for ri in bucket {
                    let g = m::mask(&m::compare(c, &recs[*ri as usize].prepared), &[2]);
                    *by_dob.entry(g).or_default() += 1;
                    n_dob += 1;
                }
            }
        }
        if n_names < SESSION_PAIRS {
            if let Some(bucket) = by_name_index.get(&(c.first.as_str(), c.family.as_str())) {
                for ri in bucket {
                    let g = m::mask(&m::compare(c, &recs[*ri as usize].prepared), &[0, 1]);
                    *by_names.entry(g).or_default() += 1;
                    n_names += 1;
                }
            }
        }
        if n_dob >= SESSION_PAIRS && n_names >= SESSION_PAIRS {
            break;
        }
    }
    (by_dob, by_names)
}

type LinkKey = (String, String);
/// (kind, start, end)
type EpisodeDates = crate::domain::safeguarding::Episode;
type Dates = (Option<NaiveDate>, Option<NaiveDate>);
type FlagKey = (String, String, String);
/// (child, record, episode)
type LinkedEpisode = (String, String, crate::store::social_care::Episode);
/// (flag id, child, kind, record, start, end)
type ActiveFlag = (
    String,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

#[derive(Clone)]
struct Existing {
    decision: LinkState,
    score: f64,
    child_hash: String,
    record_hash: String,
}

/// Runs the cross-check now. `trigger` says who asked (cli, nightly, officer).
pub fn run(
    conn: &mut AnyConnection,
    alert: Option<&TeamAlert>,
    today: NaiveDate,
    trigger: &str,
    t: Thresholds,
    commencement: &Commencement,
) -> anyhow::Result<Outcome> {
    let holder = lease::holder_name();
    if !lease::acquire(conn, LEASE, &holder, 120)? {
        return Ok(Outcome::Busy);
    }
    let run_id = new_id();
    diesel::insert_into(cross_check_runs::table)
        .values((
            cross_check_runs::id.eq(&run_id),
            cross_check_runs::started_at.eq(now()),
            cross_check_runs::status.eq(RunStatus::Running),
            cross_check_runs::trigger.eq(trigger),
        ))
        .execute(conn)?;
    // Runs that died (process killed) are marked so; their partial work was never committed.
    diesel::update(
        cross_check_runs::table
            .filter(cross_check_runs::status.eq(RunStatus::Running))
            .filter(cross_check_runs::id.ne(&run_id)),
    )
    .set((
        cross_check_runs::status.eq(RunStatus::Abandoned),
        cross_check_runs::finished_at.eq(now()),
    ))
    .execute(conn)?;
    let result = run_inner(conn, alert, today, &run_id, t, commencement);
    let (status, message) = match &result {
        Ok(_) => (RunStatus::Completed, None),
        Err(e) => (RunStatus::Failed, Some(e.to_string())),
    };
    let s = result.as_ref().ok().cloned().unwrap_or_default();
    diesel::update(cross_check_runs::table.find(&run_id))
        .set((
            cross_check_runs::status.eq(status),
            cross_check_runs::finished_at.eq(now()),
            cross_check_runs::children.eq(s.children as i32),
            cross_check_runs::records.eq(s.records as i32),
            cross_check_runs::pairs.eq(s.pairs as i32),
            cross_check_runs::matches.eq(s.matches as i32),
            cross_check_runs::reviews.eq(s.reviews as i32),
            cross_check_runs::flags_raised.eq(s.flags_raised as i32),
            cross_check_runs::flags_ended.eq(s.flags_ended as i32),
            cross_check_runs::message.eq(message),
        ))
        .execute(conn)?;
    lease::release(conn, LEASE, &holder)?;
    Ok(Outcome::Completed(Box::new(result?)))
}

fn run_inner(
    conn: &mut AnyConnection,
    alert: Option<&TeamAlert>,
    today: NaiveDate,
    run_id: &str,
    t: Thresholds,
    commencement: &Commencement,
) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let kids = load_children(conn)?;
    let recs = load_records(conn, today)?;
    log::info!(
        "cross-check {run_id}: read and prepared both sides in {:.1?}",
        started.elapsed()
    );
    let scored = score_all(&kids, &recs, t);
    log::info!("cross-check {run_id}: scored in {:.1?}", started.elapsed());
    let existing: Vec<(String, String, LinkState, f64, String, String)> = match_links::table
        .select((
            match_links::child_id,
            match_links::record_id,
            match_links::decision,
            match_links::score,
            match_links::child_hash,
            match_links::record_hash,
        ))
        .load(conn)?;
    let existing: HashMap<LinkKey, Existing> = existing
        .into_iter()
        .map(|(c, r, decision, score, child_hash, record_hash)| {
            (
                (c, r),
                Existing {
                    decision,
                    score,
                    child_hash,
                    record_hash,
                },
            )
        })
        .collect();
    let mut summary = Summary {
        run_id: run_id.to_string(),
        children: kids.len(),
        records: recs.len(),
        pairs: scored.compared,
        skipped_buckets: scored.skipped_buckets,
        explained_reviews: scored.explained_reviews,
        ..Default::default()
    };
    let model = scored.model.clone();
    crate::db::write::<_, anyhow::Error, _>(conn, |c| {
        let mut kept: HashSet<LinkKey> = HashSet::new();
        for (ci, ri, g, p, d) in &scored.pairs {
            let (kid, rec) = (&kids[*ci as usize], &recs[*ri as usize]);
            let key = (kid.id.clone(), rec.id.clone());
            kept.insert(key.clone());
            let old = existing.get(&key);
            let decided = old.is_some_and(|o| o.decision.is_officers());
            let unchanged_data =
                old.is_some_and(|o| o.child_hash == kid.hash && o.record_hash == rec.hash);
            let confirmed = old.is_some_and(|o| {
                matches!(
                    o.decision,
                    LinkState::Confirmed | LinkState::HouseholdConfirmed
                )
            });
            if decided && (unchanged_data || confirmed) {
                continue; // an officer's decision stands
            }
            if old.is_some_and(|o| {
                Some(o.decision) == d.link() && unchanged_data && (o.score - p).abs() < 1e-9
            }) {
                continue;
            }
            let explanation = serde_json::to_string(&m::explain(&model, g))?;
            diesel::delete(match_links::table.find((&key.0, &key.1))).execute(c)?;
            diesel::insert_into(match_links::table)
                .values((
                    match_links::child_id.eq(&key.0),
                    match_links::record_id.eq(&key.1),
                    match_links::decision.eq(d.code()),
                    match_links::score.eq(*p),
                    match_links::explanation.eq(explanation),
                    match_links::child_hash.eq(&kid.hash),
                    match_links::record_hash.eq(&rec.hash),
                    match_links::updated_at.eq(now()),
                ))
                .execute(c)?;
        }
        // Automatic links the data no longer supports go; officers' decisions stay.
        for (key, old) in &existing {
            if !kept.contains(key) && old.decision.is_automatic() {
                diesel::delete(match_links::table.find((&key.0, &key.1))).execute(c)?;
            }
        }
        // The first run against a council's data raises every flag at once: one task says so,
        // rather than thousands. Later runs raise a task for each change.
        let first: i64 = cross_check_runs::table
            .filter(cross_check_runs::status.eq(RunStatus::Completed))
            .count()
            .get_result(c)?;
        log::info!(
            "cross-check {run_id}: links written in {:.1?}",
            started.elapsed()
        );
        let (raised, ended) = refresh_flags(c, alert, None, today, first > 0, commencement)?;
        log::info!(
            "cross-check {run_id}: flags refreshed in {:.1?}",
            started.elapsed()
        );
        if first == 0 && raised > 0 {
            tasks::create(
                c,
                alert,
                None,
                TaskKind::FlagsFirstRun,
                &format!("The first cross-check raised {raised} social care flags. Each is on the child's record; review them with children's social care."),
                Some(run_id),
                Some(today),
            )?;
        }
        summary.flags_raised = raised;
        summary.flags_ended = ended;
        Ok(())
    })?;
    // The report: every match or review pair as it now stands.
    let by_child: HashMap<&str, &str> = kids
        .iter()
        .map(|k| (k.id.as_str(), k.reference.as_str()))
        .collect();
    let by_record: HashMap<&str, &str> = recs
        .iter()
        .map(|r| (r.id.as_str(), r.reference.as_str()))
        .collect();
    let links: Vec<(String, String, LinkState, f64)> = match_links::table
        .filter(match_links::decision.eq_any([
            LinkState::Match,
            LinkState::Review,
            LinkState::Confirmed,
            LinkState::Household,
            LinkState::HouseholdConfirmed,
        ]))
        .select((
            match_links::child_id,
            match_links::record_id,
            match_links::decision,
            match_links::score,
        ))
        .load(conn)?;
    for (c, r, d, s) in links {
        let (Some(cref), Some(rref)) = (by_child.get(c.as_str()), by_record.get(r.as_str())) else {
            continue;
        };
        let d = match d {
            LinkState::Match | LinkState::Confirmed => Decision::Match,
            LinkState::Household | LinkState::HouseholdConfirmed => Decision::Household,
            LinkState::Review | LinkState::Rejected => Decision::Review,
        };
        match d {
            Decision::Match => summary.matches += 1,
            Decision::Household => summary.households += 1,
            _ => summary.reviews += 1,
        }
        summary
            .report
            .push((cref.to_string(), rref.to_string(), d.code().to_string(), s));
    }
    summary
        .report
        .sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    summary.model = Some(model);
    Ok(summary)
}

/// Brings flags into line with the linked records (automatic matches and officer-confirmed links):
/// raises new ones and ends gone ones, each with an officer task. `only` limits it to one child.
pub fn refresh_flags(
    conn: &mut AnyConnection,
    alert: Option<&TeamAlert>,
    only: Option<&str>,
    today: NaiveDate,
    per_flag_tasks: bool,
    commencement: &Commencement,
) -> anyhow::Result<(usize, usize)> {
    let episodes = linked_episodes(conn, &[LinkState::Match, LinkState::Confirmed], only)?;
    // What should be flagged: (child, kind, record) -> dates.
    let mut want: HashMap<FlagKey, Dates> = HashMap::new();
    for ((c, r), eps) in &episodes {
        for (kind, s, e) in flags_for(eps, today) {
            want.insert((c.clone(), kind.to_string(), r.clone()), (s, e));
        }
    }
    let households = linked_episodes(
        conn,
        &[LinkState::Household, LinkState::HouseholdConfirmed],
        only,
    )?;
    for ((c, r), eps) in households {
        if let Some(dates) = household_flag(&eps, today) {
            want.insert((c, HOUSEHOLD_KNOWN.to_string(), r), dates);
        }
    }
    for (c, r, left) in consent_missing(conn, &episodes)? {
        // s.434A(9) did not apply to a child who left school before it commenced.
        if !commencement.in_force(Provision::Consent, left) {
            continue;
        }
        want.insert((c, "consent_missing".into(), r), (Some(left), None));
    }
    let mut active = child_flags::table
        .filter(child_flags::ended_at.is_null())
        .select((
            child_flags::id,
            child_flags::child_id,
            child_flags::kind,
            child_flags::record_id,
            child_flags::start_date,
            child_flags::end_date,
        ))
        .into_boxed();
    if let Some(c) = only {
        active = active.filter(child_flags::child_id.eq(c.to_string()));
    }
    let active: Vec<ActiveFlag> = active.load(conn)?;
    let mut have: HashSet<(String, String, String)> = HashSet::new();
    let (mut raised, mut ended) = (0, 0);
    let label = |k: &str| crate::domain::register::label(FLAG_KINDS, k);
    for (id, c, kind, r, s, e) in active {
        let key = (c.clone(), kind.clone(), r);
        match want.get(&key) {
            Some((ws, we)) => {
                if (*ws, *we) != (s, e) {
                    diesel::update(child_flags::table.find(&id))
                        .set((
                            child_flags::start_date.eq(*ws),
                            child_flags::end_date.eq(*we),
                        ))
                        .execute(conn)?;
                }
                have.insert(key);
            }
            None => {
                diesel::update(child_flags::table.find(&id))
                    .set(child_flags::ended_at.eq(now()))
                    .execute(conn)?;
                if per_flag_tasks {
                    tasks::create(
                        conn,
                        alert,
                        Some(&c),
                        TaskKind::FlagEnded,
                        &format!(
                            "Social care flag ended: {}. Check the record.",
                            label(&kind)
                        ),
                        Some(&id),
                        Some(today),
                    )?;
                }
                ended += 1;
            }
        }
    }
    for (key, (s, e)) in want {
        if have.contains(&key) {
            continue;
        }
        let (c, kind, r) = key;
        let id = new_id();
        diesel::insert_into(child_flags::table)
            .values((
                child_flags::id.eq(&id),
                child_flags::child_id.eq(&c),
                child_flags::kind.eq(&kind),
                child_flags::record_id.eq(&r),
                child_flags::start_date.eq(s),
                child_flags::end_date.eq(e),
                child_flags::raised_at.eq(now()),
            ))
            .execute(conn)?;
        if per_flag_tasks {
            // A household flag is about another child: their social worker knows the home.
            let whom = if kind == HOUSEHOLD_KNOWN {
                "the other child's social worker"
            } else {
                "the child's social worker"
            };
            tasks::create(
                conn,
                alert,
                Some(&c),
                TaskKind::FlagRaised,
                &format!(
                    "Social care flag raised: {}. Check the record and talk to {whom}.",
                    label(&kind)
                ),
                Some(&id),
                Some(today),
            )?;
        }
        raised += 1;
    }
    Ok((raised, ended))
}

/// The episodes on the records linked to register entries in one of these ways (the child's own
/// records, or those of other children of the household), by (child, record).
fn linked_episodes(
    conn: &mut AnyConnection,
    states: &[LinkState],
    only: Option<&str>,
) -> QueryResult<HashMap<LinkKey, Vec<EpisodeDates>>> {
    let mut q = match_links::table
        .inner_join(
            social_care_episodes::table
                .on(social_care_episodes::record_id.eq(match_links::record_id)),
        )
        .filter(match_links::decision.eq_any(states.to_vec()))
        .select((
            match_links::child_id,
            match_links::record_id,
            crate::store::social_care::Episode::as_select(),
        ))
        .into_boxed();
    if let Some(c) = only {
        q = q.filter(match_links::child_id.eq(c.to_string()));
    }
    let rows: Vec<LinkedEpisode> = q.load(conn)?;
    let mut out: HashMap<LinkKey, Vec<EpisodeDates>> = HashMap::new();
    for (c, r, e) in rows {
        out.entry((c, r)).or_default().push(e.to_domain());
    }
    Ok(out)
}

/// Open entries whose linked record shows condition B on the day the child left school
/// (eligible from, or else the day of entry) and for whom no granted application for consent is
/// on record (s.434A): (child, record, day left school).
fn consent_missing(
    conn: &mut AnyConnection,
    episodes: &HashMap<LinkKey, Vec<EpisodeDates>>,
) -> anyhow::Result<Vec<(String, String, NaiveDate)>> {
    use crate::db::schema::consent_applications as ca;
    let mut ids: Vec<&str> = episodes.keys().map(|(c, _)| c.as_str()).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    ids.sort_unstable();
    ids.dedup();
    // By id alone, filtered here: with "status = open" beside the id list, SQLite scanned every
    // open entry for each chunk (9 s at 65,000 linked children).
    let mut entries: HashMap<String, crate::store::children::Child> = HashMap::new();
    for chunk in ids.chunks(5000) {
        let rows: Vec<crate::store::children::Child> = children::table
            .filter(crate::db::one_of::one_of(children::id, chunk))
            .select(crate::store::children::Child::as_select())
            .load(conn)?;
        entries.extend(
            rows.into_iter()
                .filter(|c| c.status == EntryStatus::Open)
                .map(|c| (c.id.clone(), c)),
        );
    }
    let granted: Vec<crate::store::consent::Application> = ca::table
        .filter(ca::status.eq(ApplicationStatus::Granted))
        .select(crate::store::consent::Application::as_select())
        .load(conn)?;
    let mut out = vec![];
    for ((c, r), eps) in episodes {
        let Some(child) = entries.get(c) else {
            continue;
        };
        let left = child.eligible_from.unwrap_or(child.created_at.date());
        if !crate::domain::consent::consent_was_needed(eps, left) {
            continue;
        }
        let me = crate::store::consent::ChildIdentity {
            given_names: &child.given_names,
            family_name: &child.family_name,
            // Without a date of birth only the UPN can find the child's application.
            date_of_birth: child.date_of_birth.unwrap_or(NaiveDate::MIN),
            sex: &child.sex,
            upn: child.upn.as_deref(),
            address_line_1: "",
            postcode: "",
        };
        if granted.iter().any(|a| a.identity().same_child(&me)) {
            continue;
        }
        out.push((c.clone(), r.clone(), left));
    }
    Ok(out)
}

/// A comparison vector as `0,2,-,…` (a missing field is `-`), for the pair trace.
fn levels_in(g: &m::Gamma) -> String {
    g.iter()
        .map(|l| l.map_or_else(|| "-".to_owned(), |l| l.to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

/// How rare an exactly agreeing name pair is, as whole bits (`-log2` of the product of the
/// names' shares of the records), or `-` when neither name agrees exactly; for the pair trace.
fn name_rarity(tf: [Option<f64>; 2]) -> String {
    let shares: Vec<f64> = tf.into_iter().flatten().collect();
    if shares.is_empty() {
        return "-".to_owned();
    }
    format!("{:.0}", -shares.iter().product::<f64>().log2())
}

/// Writes the run report: `register_ref,record_id,decision,score`.
pub fn write_report(path: &std::path::Path, s: &Summary) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["register_ref", "record_id", "decision", "score"])?;
    for (c, r, d, score) in &s.report {
        // Record ids come from social care systems: make sure a spreadsheet shows them as text.
        let (c, r) = (spreadsheet_safe(c), spreadsheet_safe(r));
        w.write_record([&*c, &*r, d.as_str(), &format!("{score:.6}")])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_key_is_found_in_its_run_of_the_index() {
        let mut index: Vec<(u64, u32)> = (0..5000u32)
            .map(|i| (super::key_hash(&format!("k{}", i % 1700)), i))
            .chain([(0, 1), (u64::MAX, 2), (u64::MAX, 3)])
            .collect();
        index.sort_unstable();
        let starts = super::radix_starts(&index);
        assert_eq!(starts.last(), Some(&index.len()));
        for &(k, _) in &index {
            let p = (k >> (64 - super::RADIX_BITS)) as usize;
            let run = &index[starts[p]..starts[p + 1]];
            let found = run.iter().filter(|(x, _)| *x == k).count();
            let all = index.iter().filter(|(x, _)| *x == k).count();
            assert_eq!(found, all);
        }
    }

    use super::*;

    #[test]
    fn the_pair_trace_shows_levels_and_name_rarity_and_no_names() {
        let mut g: Gamma = [None; m::N];
        g[0] = Some(0);
        g[2] = Some(4);
        assert_eq!(levels_in(&g), "0,-,4,-,-,-,-,-,-");
        // A name pair held by one record in 1,024 and one in 64: 16 bits.
        assert_eq!(name_rarity([Some(1.0 / 1024.0), Some(1.0 / 64.0)]), "16");
        assert_eq!(name_rarity([None, Some(0.25)]), "2");
        assert_eq!(name_rarity([None, None]), "-");
    }

    #[test]
    fn a_second_record_of_a_linked_child_stays_for_review_a_linked_record_does_not() {
        let g: Gamma = [None; m::N];
        let mut pairs: Vec<ScoredPair> = vec![
            (0, 0, g, 0.99, Decision::Match),
            // A duplicate social care record of the same child: it may hold the CP plan.
            (0, 1, g, 0.3, Decision::Review),
            // Another child for record 0, which is already someone's: a sibling or namesake.
            (1, 0, g, 0.3, Decision::Review),
            // A shared identifier is always kept.
            (2, 0, g, 1.0, Decision::Review),
        ];
        assert_eq!(drop_explained_reviews(&mut pairs), 1);
        let kept: Vec<(u32, u32)> = pairs.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(kept, vec![(0, 0), (0, 1), (2, 0)]);
    }
}
