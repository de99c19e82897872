//! Moving between councils (EA 1996 s.436F, law.md §7.1): when a registered child will move or
//! has moved to another council's area, the council **must** send the s.436C(1) and (2)
//! information and **may** send the s.436C(3) extras. The transfer package is a versioned,
//! documented JSON document (README, "Transfer packages"): the sending council, the receiving
//! council, the child's entry, and a SHA-256 checksum of the package signed with the sending
//! instance's Ed25519 key, so the receiver can tell it arrived whole and from whom.
use chrono::{NaiveDate, NaiveDateTime};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The schema this version writes and reads.
pub const SCHEMA: &str = "cnis-transfer/1";

/// English local authorities: the DfE's three-digit LA number and name (as in its statistics'
/// `old_la_code` and `la_name`), after the 2023 reorganisations in Cumbria, North Yorkshire and
/// Somerset.
pub const COUNCILS: &[(&str, &str)] = &[
    ("201", "City of London"),
    ("202", "Camden"),
    ("203", "Greenwich"),
    ("204", "Hackney"),
    ("205", "Hammersmith and Fulham"),
    ("206", "Islington"),
    ("207", "Kensington and Chelsea"),
    ("208", "Lambeth"),
    ("209", "Lewisham"),
    ("210", "Southwark"),
    ("211", "Tower Hamlets"),
    ("212", "Wandsworth"),
    ("213", "Westminster"),
    ("301", "Barking and Dagenham"),
    ("302", "Barnet"),
    ("303", "Bexley"),
    ("304", "Brent"),
    ("305", "Bromley"),
    ("306", "Croydon"),
    ("307", "Ealing"),
    ("308", "Enfield"),
    ("309", "Haringey"),
    ("310", "Harrow"),
    ("311", "Havering"),
    ("312", "Hillingdon"),
    ("313", "Hounslow"),
    ("314", "Kingston upon Thames"),
    ("315", "Merton"),
    ("316", "Newham"),
    ("317", "Redbridge"),
    ("318", "Richmond upon Thames"),
    ("319", "Sutton"),
    ("320", "Waltham Forest"),
    ("330", "Birmingham"),
    ("331", "Coventry"),
    ("332", "Dudley"),
    ("333", "Sandwell"),
    ("334", "Solihull"),
    ("335", "Walsall"),
    ("336", "Wolverhampton"),
    ("340", "Knowsley"),
    ("341", "Liverpool"),
    ("342", "St. Helens"),
    ("343", "Sefton"),
    ("344", "Wirral"),
    ("350", "Bolton"),
    ("351", "Bury"),
    ("352", "Manchester"),
    ("353", "Oldham"),
    ("354", "Rochdale"),
    ("355", "Salford"),
    ("356", "Stockport"),
    ("357", "Tameside"),
    ("358", "Trafford"),
    ("359", "Wigan"),
    ("370", "Barnsley"),
    ("371", "Doncaster"),
    ("372", "Rotherham"),
    ("373", "Sheffield"),
    ("380", "Bradford"),
    ("381", "Calderdale"),
    ("382", "Kirklees"),
    ("383", "Leeds"),
    ("384", "Wakefield"),
    ("390", "Gateshead"),
    ("391", "Newcastle upon Tyne"),
    ("392", "North Tyneside"),
    ("393", "South Tyneside"),
    ("394", "Sunderland"),
    ("420", "Isles of Scilly"),
    ("800", "Bath and North East Somerset"),
    ("801", "Bristol, City of"),
    ("802", "North Somerset"),
    ("803", "South Gloucestershire"),
    ("805", "Hartlepool"),
    ("806", "Middlesbrough"),
    ("807", "Redcar and Cleveland"),
    ("808", "Stockton-on-Tees"),
    ("810", "Kingston upon Hull, City of"),
    ("811", "East Riding of Yorkshire"),
    ("812", "North East Lincolnshire"),
    ("813", "North Lincolnshire"),
    ("815", "North Yorkshire"),
    ("816", "York"),
    ("821", "Luton"),
    ("822", "Bedford"),
    ("823", "Central Bedfordshire"),
    ("825", "Buckinghamshire"),
    ("826", "Milton Keynes"),
    ("830", "Derbyshire"),
    ("831", "Derby"),
    ("838", "Dorset"),
    ("839", "Bournemouth, Christchurch and Poole"),
    ("840", "County Durham"),
    ("841", "Darlington"),
    ("845", "East Sussex"),
    ("846", "Brighton and Hove"),
    ("850", "Hampshire"),
    ("851", "Portsmouth"),
    ("852", "Southampton"),
    ("855", "Leicestershire"),
    ("856", "Leicester"),
    ("857", "Rutland"),
    ("860", "Staffordshire"),
    ("861", "Stoke-on-Trent"),
    ("865", "Wiltshire"),
    ("866", "Swindon"),
    ("867", "Bracknell Forest"),
    ("868", "Windsor and Maidenhead"),
    ("869", "West Berkshire"),
    ("870", "Reading"),
    ("871", "Slough"),
    ("872", "Wokingham"),
    ("873", "Cambridgeshire"),
    ("874", "Peterborough"),
    ("876", "Halton"),
    ("877", "Warrington"),
    ("878", "Devon"),
    ("879", "Plymouth"),
    ("880", "Torbay"),
    ("881", "Essex"),
    ("882", "Southend-on-Sea"),
    ("883", "Thurrock"),
    ("884", "Herefordshire, County of"),
    ("885", "Worcestershire"),
    ("886", "Kent"),
    ("887", "Medway"),
    ("888", "Lancashire"),
    ("889", "Blackburn with Darwen"),
    ("890", "Blackpool"),
    ("891", "Nottinghamshire"),
    ("892", "Nottingham"),
    ("893", "Shropshire"),
    ("894", "Telford and Wrekin"),
    ("895", "Cheshire East"),
    ("896", "Cheshire West and Chester"),
    ("908", "Cornwall"),
    ("916", "Gloucestershire"),
    ("919", "Hertfordshire"),
    ("921", "Isle of Wight"),
    ("925", "Lincolnshire"),
    ("926", "Norfolk"),
    ("929", "Northumberland"),
    ("931", "Oxfordshire"),
    ("933", "Somerset"),
    ("935", "Suffolk"),
    ("936", "Surrey"),
    ("937", "Warwickshire"),
    ("938", "West Sussex"),
    ("940", "North Northamptonshire"),
    ("941", "West Northamptonshire"),
    ("942", "Cumberland"),
    ("943", "Westmorland and Furness"),
];

crate::text_enum! {
    /// The gateways through which s.436F lets the council share a child's register information,
    /// where appropriate for promoting or safeguarding the education or welfare of that child or
    /// another under-18 (law.md §7.1). A move to another English council is a transfer instead.
    pub enum Gateway {
        Section11 = "ca2004_s11" => "A body under section 11 of the Children Act 2004 (for example the police, the NHS, a youth offending team)",
        Ofsted = "ofsted" => "Ofsted",
        SecretaryOfState = "secretary_of_state" => "The Secretary of State, as directed",
        Scotland = "scotland" => "A council in Scotland",
        NorthernIreland = "northern_ireland" => "A Health and Social Care Trust, or the Education Authority, in Northern Ireland",
    }
}

/// The council's name for a DfE LA number.
pub fn council_name(code: &str) -> Option<&'static str> {
    COUNCILS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Council {
    /// The DfE's three-digit LA number.
    pub code: String,
    pub name: String,
}

/// The child, s.436C(1)(a) and the entry's education fields (s.436C(1)(e), (f); (2)(b), (h)).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ChildPart {
    pub sending_reference: String,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: String,
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    pub arrangement: String,
    pub eligibility_condition: String,
    pub eligible_from: Option<NaiveDate>,
    pub reason: String,
    pub reason_detail: Option<String>,
    pub sen_status: String,
    pub parent_hours_per_week: Option<f64>,
    pub other_hours_per_week: Option<f64>,
}

/// s.436C(1)(a), (b): home, additional and previous addresses, and the new one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AddressPart {
    /// "current", "additional" or "previous"; the address after the move is "current".
    pub kind: String,
    pub line_1: String,
    pub line_2: Option<String>,
    pub town: String,
    pub postcode: String,
    pub moved_in_on: Option<NaiveDate>,
}

/// s.436C(1)(c), (d): each parent, and whether they educate the child.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ParentPart {
    pub given_names: String,
    pub family_name: String,
    pub relationship: String,
    pub parental_responsibility: bool,
    pub lives_with_child: bool,
    pub educating: bool,
    pub address_line_1: Option<String>,
    pub address_town: Option<String>,
    pub address_postcode: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// s.436C(1)(g): each provider other than a parent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ProviderPart {
    pub name: String,
    pub provider_type: String,
    pub address: Option<String>,
    pub website: Option<String>,
    pub hours_per_week: f64,
    pub hours_without_parent: f64,
}

/// s.436C(2): the prescribed information (as stored: "not_known", "refused", ...).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PrescribedPart {
    pub ethnicity: String,
    pub disability: String,
    pub young_carer: String,
    pub looked_after: String,
    pub schools_attended: Option<String>,
    pub missing_education_from: Option<NaiveDate>,
}

/// s.436C(2)(d), (e): a section 47 enquiry, child protection plan or child in need episode
/// children's social care recorded, as the cross-check linked it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SocialCarePart {
    pub kind: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// s.436C(3): one line of the entry's history, when the council chooses to send it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HistoryLine {
    pub at: NaiveDateTime,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
}

/// What is sent. Field order is fixed, so the same package always serialises to the same bytes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Package {
    pub schema: String,
    pub sending_council: Council,
    pub receiving_council: Council,
    pub made_at: NaiveDateTime,
    /// The day the child moved or will move.
    pub moved_on: NaiveDate,
    pub child: ChildPart,
    pub addresses: Vec<AddressPart>,
    pub parents: Vec<ParentPart>,
    pub providers: Vec<ProviderPart>,
    pub prescribed: PrescribedPart,
    pub social_care: Vec<SocialCarePart>,
    pub history: Vec<HistoryLine>,
}

/// The package with its checksum and signature: the file that travels.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Signed {
    pub package: Package,
    /// SHA-256 of the package's JSON, hex.
    pub sha256: String,
    /// The sending instance's Ed25519 public key, hex.
    pub public_key: String,
    /// Ed25519 signature of the checksum, hex.
    pub signature: String,
}

/// The sending instance's signing key, derived from its secret key, so it survives restarts
/// without another secret to keep.
pub fn signing_key(secret: &[u8]) -> SigningKey {
    let seed: [u8; 32] = Sha256::new()
        .chain_update(b"cnis transfer signing key v1\0")
        .chain_update(secret)
        .finalize()
        .into();
    SigningKey::from_bytes(&seed)
}

/// A key's fingerprint as people compare it: the first 16 bytes of the SHA-256 of the key's
/// bytes, in groups of four hex digits. Not a key in hex: an empty string.
pub fn fingerprint(public_key_hex: &str) -> String {
    let Ok(bytes) = hex::decode(public_key_hex.trim()) else {
        return String::new();
    };
    let digest = hex::encode(Sha256::digest(bytes));
    digest.as_bytes()[..32]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn checksum(p: &Package) -> serde_json::Result<String> {
    Ok(hex::encode(Sha256::digest(serde_json::to_vec(p)?)))
}

/// Signs a package.
pub fn sign(package: Package, key: &SigningKey) -> serde_json::Result<Signed> {
    let sha256 = checksum(&package)?;
    let signature = hex::encode(key.sign(sha256.as_bytes()).to_bytes());
    Ok(Signed {
        package,
        sha256,
        public_key: hex::encode(key.verifying_key().to_bytes()),
        signature,
    })
}

/// Why a package was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    NotAPackage(String),
    UnknownSchema(String),
    Altered,
    BadSignature,
    UntrustedKey(String),
    /// No council's key is trusted yet (CNIS_TRUSTED_TRANSFER_KEYS is empty).
    NoTrustedCouncils,
    /// The package says it comes from a council whose key is not listed.
    UnknownSender(String),
    NotForUs {
        for_council: String,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotAPackage(e) => write!(
                f,
                "the file is not a record sent by this service. Choose the file ending in .json that the other council sent, not the PDF or another file (what was wrong: {})",
                e.replace('`', "")
            ),
            Refusal::UnknownSchema(s) => write!(
                f,
                "the package is in schema {s:?}; this version reads {SCHEMA:?}"
            ),
            Refusal::Altered => f.write_str(
                "the package does not match its checksum: it was changed or damaged on the way",
            ),
            Refusal::BadSignature => f.write_str("the signature does not match the package"),
            Refusal::UntrustedKey(fp) => write!(
                f,
                "the package was signed with key {fp}, which is not the key CNIS_TRUSTED_TRANSFER_KEYS lists for the council it says it comes from"
            ),
            Refusal::NoTrustedCouncils => f.write_str(
                "no council's key is trusted yet: set CNIS_TRUSTED_TRANSFER_KEYS to CODE=FINGERPRINT for each council you receive records from, with the fingerprint that council gave you",
            ),
            Refusal::UnknownSender(c) => write!(
                f,
                "the package says it comes from {c}, which has no key in CNIS_TRUSTED_TRANSFER_KEYS"
            ),
            Refusal::NotForUs { for_council } => write!(
                f,
                "the package is addressed to {for_council}, not this council"
            ),
        }
    }
}

/// One council whose packages this council accepts: its LA number and its key's fingerprint,
/// exchanged once by a route both trust (CNIS_TRUSTED_TRANSFER_KEYS, `CODE=FINGERPRINT`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trusted {
    pub code: String,
    pub fingerprint: String,
}

/// Parses CNIS_TRUSTED_TRANSFER_KEYS: `CODE=FINGERPRINT` entries separated by commas.
pub fn parse_trusted(s: &str) -> Result<Vec<Trusted>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (code, fp) = e
                .split_once('=')
                .ok_or_else(|| format!("{e:?} is not CODE=FINGERPRINT"))?;
            let code = code.trim();
            if council_name(code).is_none() {
                return Err(format!("{code:?} is not an English council's LA number"));
            }
            let fp: String = fp.chars().filter(|c| !c.is_whitespace()).collect();
            if fp.len() != 32 || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("the fingerprint for {code} must be 32 hex digits"));
            }
            Ok(Trusted {
                code: code.into(),
                fingerprint: fp.to_ascii_lowercase(),
            })
        })
        .collect()
}

/// Reads and checks a package: the schema, the checksum, the signature, that the key is the one
/// this council was given for the council the package says it comes from, and that it is
/// addressed to this council.
pub fn verify(text: &str, trusted: &[Trusted], our_code: &str) -> Result<Signed, Refusal> {
    let s: Signed = serde_json::from_str(text).map_err(|e| Refusal::NotAPackage(e.to_string()))?;
    if s.package.schema != SCHEMA {
        return Err(Refusal::UnknownSchema(s.package.schema));
    }
    if checksum(&s.package).ok().as_deref() != Some(s.sha256.as_str()) {
        return Err(Refusal::Altered);
    }
    let key: [u8; 32] = hex::decode(&s.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Refusal::BadSignature)?;
    let sig: [u8; 64] = hex::decode(&s.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Refusal::BadSignature)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| Refusal::BadSignature)?;
    key.verify(
        s.sha256.as_bytes(),
        &ed25519_dalek::Signature::from_bytes(&sig),
    )
    .map_err(|_| Refusal::BadSignature)?;
    if trusted.is_empty() {
        return Err(Refusal::NoTrustedCouncils);
    }
    let from = &s.package.sending_council;
    let Some(expected) = trusted.iter().find(|t| t.code == from.code) else {
        return Err(Refusal::UnknownSender(format!(
            "{} ({})",
            from.name, from.code
        )));
    };
    let fp = fingerprint(&s.public_key);
    if fp.replace(' ', "") != expected.fingerprint {
        return Err(Refusal::UntrustedKey(fp));
    }
    if s.package.receiving_council.code != our_code {
        return Err(Refusal::NotForUs {
            for_council: format!(
                "{} ({})",
                s.package.receiving_council.name, s.package.receiving_council.code
            ),
        });
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        Package {
            schema: SCHEMA.into(),
            sending_council: Council {
                code: "878".into(),
                name: "Devon".into(),
            },
            receiving_council: Council {
                code: "879".into(),
                name: "Plymouth".into(),
            },
            made_at: NaiveDateTime::default(),
            moved_on: NaiveDate::default(),
            child: ChildPart {
                given_names: "Ada".into(),
                ..ChildPart::default()
            },
            addresses: vec![],
            parents: vec![],
            providers: vec![],
            prescribed: PrescribedPart {
                ethnicity: "not_known".into(),
                disability: "not_known".into(),
                young_carer: "yes".into(),
                looked_after: "not_known".into(),
                schools_attended: None,
                missing_education_from: None,
            },
            social_care: vec![],
            history: vec![],
        }
    }

    #[test]
    fn s436f_every_english_council_once() {
        assert_eq!(COUNCILS.len(), 153);
        let mut codes: Vec<&str> = COUNCILS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 153);
        assert_eq!(council_name("879"), Some("Plymouth"));
    }

    #[test]
    fn s436f_a_signed_package_verifies_and_any_change_is_caught() {
        let key = signing_key(b"devon's secret");
        let signed = sign(package(), &key).unwrap();
        let text = serde_json::to_string(&signed).unwrap();
        let fp = fingerprint(&signed.public_key);
        let devon = parse_trusted(&format!("878={fp}")).unwrap();
        assert_eq!(verify(&text, &devon, "879").unwrap(), signed);
        assert_eq!(verify(&text, &[], "879"), Err(Refusal::NoTrustedCouncils));
        assert_eq!(
            verify(&text, &devon, "878"),
            Err(Refusal::NotForUs {
                for_council: "Plymouth (879)".into()
            })
        );
        let altered = text.replace("\"Ada\"", "\"Eve\"");
        assert_eq!(verify(&altered, &devon, "879"), Err(Refusal::Altered));
        // Changed and re-checksummed by someone without the key: the signature fails.
        let mut forged = signed.clone();
        forged.package.child.given_names = "Eve".into();
        forged.sha256 = checksum(&forged.package).unwrap();
        let forged = serde_json::to_string(&forged).unwrap();
        assert_eq!(verify(&forged, &devon, "879"), Err(Refusal::BadSignature));
        // A package signed by a key of its own, claiming to be Devon, is refused; so is
        // Devon's key trusted only for another council.
        let stranger = sign(package(), &signing_key(b"someone else")).unwrap();
        let stranger = serde_json::to_string(&stranger).unwrap();
        assert!(matches!(
            verify(&stranger, &devon, "879"),
            Err(Refusal::UntrustedKey(_))
        ));
        let elsewhere = parse_trusted(&format!("880={fp}")).unwrap();
        assert!(matches!(
            verify(&text, &elsewhere, "879"),
            Err(Refusal::UnknownSender(_))
        ));
        // The fingerprint is of the key's bytes, however the hex is written.
        assert_eq!(fingerprint(&signed.public_key.to_uppercase()), fp);
        assert!(parse_trusted("878=abc").is_err() && parse_trusted("999=x").is_err());
        assert!(matches!(
            verify("{}", &devon, "879"),
            Err(Refusal::NotAPackage(_))
        ));
    }
}
