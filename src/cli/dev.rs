//! `cnis demo` and `cnis generate-linkage-data` (feature `dev-tools`): invented people only.
use cnis::db::Pool;

use crate::say;

pub fn demo(pool: Pool, children: usize) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let summary = cnis::dev::demo::load(&mut conn, children)?;
    say!("{summary}");
    Ok(())
}

pub fn generate_linkage_data(
    out: &std::path::Path,
    children: usize,
    records: usize,
    seed: u64,
) -> anyhow::Result<()> {
    let g = cnis::dev::synthetic::generate(out, children, records, seed)?;
    say!(
        "wrote {} register entries, {} social care records and {} true links to {}",
        g.register,
        g.records,
        g.true_links,
        out.display()
    );
    Ok(())
}
