//! Labelled synthetic data for measuring the cross-check (issue 4): a register and a social care
//! extract of any size, UK-flavoured, with the errors real systems carry and the hard negatives
//! that catch matchers out, plus the truth. Every name is invented; nothing here is real data.
//!
//! `cnis generate-linkage-data --children 200000 --records 800000 --out DIR` writes
//! DIR/register.csv (for `cnis import register`), DIR/social-care.csv (for `cnis import
//! social-care`), DIR/truth.csv (`register_ref,record_id` for every true link) and
//! DIR/households.csv (the same, for each twin or sibling: another child of the household).
use std::collections::HashSet;
use std::io::Write;

use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::identifiers::{nhs_with_check_digit, upn_check_letter};

const GIRLS: &[&str] = &[
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Willow",
    "Freya",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Evelyn",
    "Sienna",
    "Sofia",
    "Daisy",
    "Phoebe",
    "Alice",
    "Harper",
    "Matilda",
    "Ruby",
    "Emilia",
    "Maya",
    "Isabelle",
    "Millie",
    "Eva",
    "Luna",
    "Hallie",
    "Lottie",
    "Esme",
    "Aria",
    "Bonnie",
    "Maryam",
    "Layla",
    "Zara",
    "Aisha",
    "Fatima",
    "Hana",
    "Amara",
    "Priya",
    "Nia",
    "Aoife",
    "Siân",
    "Zoë",
    "Chloé",
    "Ellie-May",
    "Katie",
    "Jessica",
    "Rebecca",
    "Elizabeth",
    "Margaret",
    "Abigail",
    "Victoria",
    "Eleanor",
    "Samantha",
    "Natalie",
    "Gabriella",
    "Josephine",
    "Kimberley",
    "Nicola",
    "Lucy",
    "Megan",
    "Holly",
    "Jasmine",
    "Scarlett",
    "Imogen",
    "Erin",
    "Niamh",
    "Orla",
    "Maisie",
    "Lola",
    "Thea",
    "Ada",
    "Beatrice",
    "Iris",
    "Clara",
    "Hannah",
    "Molly",
    "Summer",
    "Amber",
    "Leah",
    "Anya",
    "Zuzanna",
    "Julia",
    "Oliwia",
    "Inaya",
    "Khadija",
    "Ayesha",
    "Tia",
    "Precious",
    "Blessing",
    "Chidera",
];
const BOYS: &[&str] = &[
    "Muhammad",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Theodore",
    "Freddie",
    "Archie",
    "Harry",
    "Jack",
    "Henry",
    "Charlie",
    "Alfie",
    "Finley",
    "Jacob",
    "Thomas",
    "Lucas",
    "Isaac",
    "Tommy",
    "Albert",
    "William",
    "Edward",
    "Joshua",
    "James",
    "Alexander",
    "Benjamin",
    "Samuel",
    "Daniel",
    "Joseph",
    "Max",
    "Ethan",
    "Mason",
    "Logan",
    "Reuben",
    "Dylan",
    "Harrison",
    "Jayden",
    "Kai",
    "Ibrahim",
    "Yusuf",
    "Ali",
    "Omar",
    "Zain",
    "Ayaan",
    "Rhys",
    "Seán",
    "Tomás",
    "Kacper",
    "Jakub",
    "Filip",
    "Oskar",
    "Michael",
    "Christopher",
    "Matthew",
    "Nicholas",
    "Jonathan",
    "Andrew",
    "Anthony",
    "Richard",
    "Robert",
    "Stephen",
    "Patrick",
    "Nathan",
    "Zachary",
    "Gabriel",
    "Frederick",
    "Archibald",
    "Maximilian",
    "Liam",
    "Connor",
    "Callum",
    "Ryan",
    "Ewan",
    "Finn",
    "Rory",
    "Louie",
    "Ronnie",
    "Teddy",
    "Hugo",
    "Jude",
    "Elijah",
    "Sebastian",
    "Toby",
    "Riley",
    "Bobby",
    "Stanley",
    "Jenson",
    "Louis",
    "Felix",
    "Caleb",
    "Adam",
    "Hamza",
    "Musa",
    "Emmanuel",
    "David",
    "Tobi",
    "Chinedu",
    "Kwame",
];
const SURNAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
    "Wilkinson",
    "Ali",
    "Ahmed",
    "Foster",
    "Ellis",
    "Murphy",
    "Chapman",
    "Mason",
    "Gray",
    "Richards",
    "Webb",
    "Griffiths",
    "Hunt",
    "Palmer",
    "Campbell",
    "Holmes",
    "Mills",
    "Rogers",
    "Barnes",
    "Knight",
    "Matthews",
    "Barker",
    "Powell",
    "Stevens",
    "Kaur",
    "Fisher",
    "Butler",
    "Dixon",
    "Russell",
    "Harvey",
    "Pearson",
    "Graham",
    "Fletcher",
    "Reynolds",
    "O'Brien",
    "O'Connor",
    "McDonald",
    "MacLeod",
    "Nowak",
    "Kowalski",
    "Wiśniewska",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Nguyen",
    "Chen",
    "Rahman",
    "Iqbal",
    "Mahmood",
    "Da Silva",
    "Santos",
    "Popescu",
    "Smith-Jones",
    "Hughes-Roberts",
    "Lloyd-Davies",
    "Fox-Taylor",
    "Müller",
    "Kaya",
    "Yilmaz",
    "Ozturk",
    "Abdi",
    "Mohamed",
    "Osei",
    "Boateng",
    "Sharma",
    "Gill",
    "Chaudhry",
    "Kennedy",
    "Doyle",
    "Byrne",
    "Walsh",
    "Lynch",
    "Quinn",
    "Gallagher",
    "Reid",
    "Stewart",
    "Murray",
    "Fraser",
    "Hamilton",
    "Ross",
    "Wallace",
    "Henderson",
    "Gibson",
    "Hart",
    "Lawrence",
    "Dawson",
    "Burton",
    "Jenkins",
    "Lloyd",
    "Owen",
    "Price",
    "Pritchard",
    "Rees",
    "Vaughan",
    "Bowen",
    "Powell",
    "Howells",
    "Gwynn",
    "Beaumont",
    "Ashworth",
    "Sutcliffe",
    "Haworth",
    "Ormerod",
    "Pickering",
    "Whitworth",
    "Greenwood",
    "Holroyd",
    "Barraclough",
];
const STREETS: &[&str] = &[
    "Station Road",
    "High Street",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Victoria Street",
    "Queens Road",
    "New Road",
    "Green Lane",
    "Manor Way",
    "Chapel Street",
    "Albert Road",
    "Windsor Close",
    "Orchard Way",
    "The Crescent",
    "Springfield Road",
    "Meadow View",
    "School Lane",
    "King Street",
    "Grange Road",
];
const TOWNS: &[(&str, &str)] = &[
    ("Demoton", "DT1"),
    ("Demoton", "DT2"),
    ("Demoton", "DT3"),
    ("Eastbridge", "DT4"),
    ("Northby", "DT5"),
    ("Westfold", "DT6"),
    ("Southmere", "DT7"),
    ("Hillcaster", "DT8"),
    ("Riverton", "DT9"),
    ("Lakeside", "DT10"),
];
const NICKNAMES: &[(&str, &str)] = &[
    ("William", "Bill"),
    ("William", "Liam"),
    ("Robert", "Bobby"),
    ("Richard", "Ricky"),
    ("Elizabeth", "Lizzie"),
    ("Elizabeth", "Beth"),
    ("Katie", "Kate"),
    ("Alexander", "Alex"),
    ("James", "Jamie"),
    ("Thomas", "Tom"),
    ("Joseph", "Joe"),
    ("Michael", "Mikey"),
    ("Daniel", "Danny"),
    ("Samuel", "Sam"),
    ("Samantha", "Sammy"),
    ("Benjamin", "Ben"),
    ("Charlotte", "Lottie"),
    ("Jessica", "Jess"),
    ("Rebecca", "Becky"),
    ("Margaret", "Maggie"),
    ("Jonathan", "Jon"),
    ("Christopher", "Chris"),
    ("Nicholas", "Nick"),
    ("Matthew", "Matt"),
    ("Andrew", "Andy"),
    ("Anthony", "Tony"),
    ("Edward", "Eddie"),
    ("Frederick", "Freddie"),
    ("Harrison", "Harry"),
    ("Oliver", "Ollie"),
    ("Isabella", "Bella"),
    ("Abigail", "Abby"),
    ("Victoria", "Vicky"),
    ("Theodore", "Theo"),
    ("Zachary", "Zach"),
    ("Joshua", "Josh"),
    ("Gabriella", "Gabby"),
    ("Eleanor", "Ellie"),
    ("Florence", "Flo"),
    ("Natalie", "Nat"),
    ("Nathan", "Nate"),
    ("Jacob", "Jake"),
    ("Maximilian", "Max"),
    ("Archibald", "Archie"),
    ("Muhammad", "Mohammed"),
    ("Sophia", "Sophie"),
    ("Matilda", "Tilly"),
    ("Stephen", "Steve"),
    ("Patrick", "Paddy"),
    ("Kimberley", "Kim"),
];

/// A name drawn with a gentle skew, as real names are: some common, most not.
fn pick<'a>(rng: &mut StdRng, pool: &[&'a str]) -> &'a str {
    let x: f64 = rng.gen();
    let i = (pool.len() as f64 * x.powf(1.3)) as usize;
    pool[i.min(pool.len() - 1)]
}

const SYLLABLES: &[&str] = &[
    "ka", "la", "mi", "ro", "sa", "ta", "ve", "ny", "da", "le", "ri", "an", "el", "is", "or", "ja",
    "ze", "bo", "ne", "li",
];
const SURNAME_START: &[&str] = &[
    "Ash", "Brad", "Brind", "Carr", "Cold", "Dun", "Elm", "Fair", "Gold", "Green", "Hal", "Hart",
    "Kings", "Lang", "Marsh", "Mid", "North", "Oak", "Pen", "Red", "Rod", "Shel", "Stan", "Thorn",
    "Wake", "Wes", "Whit", "Wood", "Brook", "Stock",
];
const SURNAME_END: &[&str] = &[
    "ford", "ley", "ton", "well", "by", "combe", "field", "ham", "wick", "worth", "stone", "bury",
    "dale", "more", "ridge", "shaw", "land", "hurst", "cliffe", "thorpe",
];

/// A first name: usually a common one, sometimes one of the long tail.
fn given_name(rng: &mut StdRng, pool: &[&str]) -> String {
    if rng.gen_bool(0.75) {
        return pick(rng, pool).to_string();
    }
    let n = rng.gen_range(2..4);
    let raw: String = (0..n)
        .map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())])
        .collect();
    let mut c = raw.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or(raw)
}

fn surname(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.55) {
        return pick(rng, SURNAMES).to_string();
    }
    format!(
        "{}{}",
        SURNAME_START[rng.gen_range(0..SURNAME_START.len())],
        SURNAME_END[rng.gen_range(0..SURNAME_END.len())]
    )
}

#[derive(Clone, Debug)]
struct Kid {
    given: String,
    middle: Option<String>,
    family: String,
    dob: NaiveDate,
    sex: char,
    upn: Option<String>,
    nhs: Option<String>,
    line_1: String,
    town: String,
    postcode: String,
}

fn upn(rng: &mut StdRng) -> Option<String> {
    let body = format!(
        "{:03}{:08}{}",
        rng.gen_range(200..999),
        rng.gen_range(0..99_999_999u32),
        rng.gen_range(0..10)
    );
    upn_check_letter(&body).map(|c| format!("{c}{body}"))
}

/// An NHS number not given to anyone before: the NHS issues each number once, so random draws
/// that collide (a million children make hundreds of such pairs) would be a flaw of the data.
fn nhs(rng: &mut StdRng, issued: &mut HashSet<u32>) -> Option<String> {
    (0..10).find_map(|_| {
        let body = rng.gen_range(400_000_000..799_999_999u32);
        if issued.contains(&body) {
            return None;
        }
        let n = nhs_with_check_digit(&format!("{body:09}"))?;
        issued.insert(body);
        Some(n)
    })
}

fn address(rng: &mut StdRng) -> (String, String, String) {
    let (town, out) = TOWNS[rng.gen_range(0..TOWNS.len())];
    let line = format!(
        "{} {}",
        rng.gen_range(1..220),
        STREETS[rng.gen_range(0..STREETS.len())]
    );
    let pc = format!(
        "{out} {}{}{}",
        rng.gen_range(1..10),
        (b'A' + rng.gen_range(0..26)) as char,
        (b'A' + rng.gen_range(0..26)) as char
    );
    (line, town.to_string(), pc)
}

fn kid(rng: &mut StdRng, issued: &mut HashSet<u32>) -> Kid {
    let sex = if rng.gen_bool(0.5) { 'F' } else { 'M' };
    let pool = if sex == 'F' { GIRLS } else { BOYS };
    let start = NaiveDate::from_ymd_opt(2010, 9, 1).unwrap_or_default();
    let (line_1, town, postcode) = address(rng);
    let given = given_name(rng, pool);
    Kid {
        // Nobody is named "Mia Mia".
        middle: rng
            .gen_bool(0.35)
            .then(|| given_name(rng, pool))
            .filter(|m| *m != given),
        given,
        family: surname(rng),
        dob: start + Days::new(rng.gen_range(0..4017)),
        sex,
        upn: if rng.gen_bool(0.85) { upn(rng) } else { None },
        nhs: if rng.gen_bool(0.6) {
            nhs(rng, issued)
        } else {
            None
        },
        line_1,
        town,
        postcode,
    }
}

/// One typing error: a letter dropped, doubled, swapped with the next, or replaced.
fn typo(rng: &mut StdRng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_string();
    }
    let i = rng.gen_range(1..c.len() - 1);
    match rng.gen_range(0..4) {
        0 => {
            c.remove(i);
        }
        1 => c.insert(i, c[i]),
        2 => c.swap(i, i + 1),
        _ => c[i] = (b'a' + rng.gen_range(0..26)) as char,
    }
    c.into_iter().collect()
}

/// The same child as social care might hold them: errors applied with realistic rates.
fn as_recorded(rng: &mut StdRng, k: &Kid) -> Kid {
    let mut r = k.clone();
    if rng.gen_bool(0.06) {
        if let Some((_, short)) = NICKNAMES.iter().find(|(full, _)| *full == r.given) {
            r.given = short.to_string();
        } else if let Some((full, _)) = NICKNAMES.iter().find(|(_, short)| *short == r.given) {
            r.given = full.to_string();
        }
    }
    if rng.gen_bool(0.05) {
        r.given = typo(rng, &r.given);
    }
    if rng.gen_bool(0.05) {
        r.family = typo(rng, &r.family);
    }
    if rng.gen_bool(0.03) {
        // Surname change (a parent's new relationship, or the other parent's name).
        r.family = surname(rng);
    } else if rng.gen_bool(0.03) {
        r.family = if r.family.contains('-') {
            r.family.split('-').next().unwrap_or(&r.family).to_string()
        } else {
            format!("{}-{}", r.family, surname(rng))
        };
    }
    if rng.gen_bool(0.3) {
        r.middle = None;
    }
    if rng.gen_bool(0.01) {
        std::mem::swap(&mut r.given, &mut r.family);
    }
    match rng.gen_range(0..1000) {
        0..=19 if r.dob.day() <= 12 && r.dob.day() != r.dob.month() => {
            r.dob =
                NaiveDate::from_ymd_opt(r.dob.year(), r.dob.day(), r.dob.month()).unwrap_or(r.dob)
        }
        20..=34 => r.dob = r.dob + Days::new(1),
        35..=44 => r.dob = r.dob.with_year(r.dob.year() + 1).unwrap_or(r.dob),
        _ => {}
    }
    if rng.gen_bool(0.12) {
        let (l, t, p) = address(rng);
        (r.line_1, r.town, r.postcode) = (l, t, p);
    }
    if rng.gen_bool(0.45) {
        r.upn = None;
    } else if rng.gen_bool(0.02) {
        r.upn = r.upn.map(|u| typo(rng, &u));
    }
    if rng.gen_bool(0.4) {
        r.nhs = None;
    }
    if rng.gen_bool(0.2) {
        r.given = r.given.to_uppercase();
        r.family = r.family.to_uppercase();
    }
    r
}

pub struct Generated {
    pub register: usize,
    pub records: usize,
    pub true_links: usize,
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes the three files. About `link_share` of the register has a social care record; the
/// rest of the records are other children, among them twins and siblings of registered children.
pub fn generate(
    dir: &std::path::Path,
    children: usize,
    records: usize,
    seed: u64,
) -> anyhow::Result<Generated> {
    std::fs::create_dir_all(dir)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut issued = HashSet::new();
    let mut reg = std::io::BufWriter::new(std::fs::File::create(dir.join("register.csv"))?);
    let mut sc = std::io::BufWriter::new(std::fs::File::create(dir.join("social-care.csv"))?);
    let mut truth = std::io::BufWriter::new(std::fs::File::create(dir.join("truth.csv"))?);
    let mut households =
        std::io::BufWriter::new(std::fs::File::create(dir.join("households.csv"))?);
    writeln!(households, "register_ref,record_id")?;
    writeln!(reg, "register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode")?;
    writeln!(sc, "record_id,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,s47_start_date,s47_end_date,cp_plan_start_date,cp_plan_end_date,cin_start_date,cin_end_date")?;
    writeln!(truth, "register_ref,record_id")?;
    let links = (records / 8).min(children * 3 / 10);
    let mut written = 0usize;
    let mut true_links = 0usize;
    let record = |rng: &mut StdRng,
                  sc: &mut std::io::BufWriter<std::fs::File>,
                  k: &Kid,
                  n: usize|
     -> anyhow::Result<String> {
        let id = format!("SC{n:08}");
        let given = match &k.middle {
            Some(m) => format!("{} {m}", k.given),
            None => k.given.clone(),
        };
        let ep = |rng: &mut StdRng, p: f64| -> (String, String) {
            if !rng.gen_bool(p) {
                return (String::new(), String::new());
            }
            let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default()
                + Days::new(rng.gen_range(0..2500));
            let end = if rng.gen_bool(0.6) {
                (start + Days::new(rng.gen_range(30..400))).to_string()
            } else {
                String::new()
            };
            (start.to_string(), end)
        };
        let (s47s, s47e) = ep(rng, 0.3);
        let (cps, cpe) = ep(rng, 0.15);
        let (cins, cine) = ep(rng, 0.6);
        writeln!(
            sc,
            "{id},{},{},{},{},{},{},{},{},{},{s47s},{s47e},{cps},{cpe},{cins},{cine}",
            csv_escape(&given),
            csv_escape(&k.family),
            k.dob,
            if rng.gen_bool(0.03) { 'U' } else { k.sex },
            k.upn.as_deref().unwrap_or(""),
            k.nhs.as_deref().unwrap_or(""),
            csv_escape(&k.line_1),
            k.town,
            k.postcode
        )?;
        Ok(id)
    };
    for i in 0..children {
        let k = kid(&mut rng, &mut issued);
        let reference = format!("REG{i:08}");
        let given = match &k.middle {
            Some(m) => format!("{} {m}", k.given),
            None => k.given.clone(),
        };
        writeln!(
            reg,
            "{reference},{},{},{},{},{},{},{},{},{}",
            csv_escape(&given),
            csv_escape(&k.family),
            k.dob,
            k.sex,
            k.upn.as_deref().unwrap_or(""),
            k.nhs.as_deref().unwrap_or(""),
            csv_escape(&k.line_1),
            k.town,
            k.postcode
        )?;
        // Spread the links evenly through the register.
        if true_links < links && (i * links / children.max(1)) >= true_links {
            let r = as_recorded(&mut rng, &k);
            let id = record(&mut rng, &mut sc, &r, written)?;
            written += 1;
            writeln!(truth, "{reference},{id}")?;
            true_links += 1;
        }
        // Hard negatives: a twin (same birthday, surname and home, another first name) or a
        // sibling (same surname and home, another birthday) known to social care.
        if written < records && rng.gen_bool(0.02) {
            let mut twin = kid(&mut rng, &mut issued);
            twin.family = k.family.clone();
            twin.dob = k.dob;
            (twin.line_1, twin.town, twin.postcode) =
                (k.line_1.clone(), k.town.clone(), k.postcode.clone());
            if twin.given != k.given {
                let id = record(&mut rng, &mut sc, &twin, written)?;
                writeln!(households, "{reference},{id}")?;
                written += 1;
            }
        }
        if written < records && rng.gen_bool(0.04) {
            let mut sib = kid(&mut rng, &mut issued);
            sib.family = k.family.clone();
            (sib.line_1, sib.town, sib.postcode) =
                (k.line_1.clone(), k.town.clone(), k.postcode.clone());
            if sib.dob != k.dob {
                let id = record(&mut rng, &mut sc, &sib, written)?;
                writeln!(households, "{reference},{id}")?;
                written += 1;
            }
        }
    }
    while written < records {
        let k = kid(&mut rng, &mut issued);
        record(&mut rng, &mut sc, &k, written)?;
        written += 1;
    }
    reg.flush()?;
    sc.flush()?;
    truth.flush()?;
    households.flush()?;
    Ok(Generated {
        register: children,
        records: written,
        true_links,
    })
}
