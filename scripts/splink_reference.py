#!/usr/bin/env python3
"""The reference for issue 4's benchmark: Splink (DuckDB backend) on the same files.

usage: splink_reference.py DATA_DIR OUT.csv [five|tight]
Reads DATA_DIR/register.csv and DATA_DIR/social-care.csv (from `cnis generate-linkage-data`),
trains Splink without labels (u by random sampling, m by EM in two blocked sessions), predicts,
and writes register_ref,record_id,decision,score in the cross-check report's form, using the
same two thresholds as cnis (match >= 0.5, review >= 0.001). Prints the training and prediction
time. Run it with the pinned versions in scripts/splink-requirements.txt. `five` (the default)
blocks on five rules; `tight` on two (date of birth with surname, and both names), fewer pairs
and faster, as a council with a big register might set it.
"""
import sys
import time

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def standardise(con, path, id_col, table):
    con.execute(f"""
        CREATE TABLE {table} AS
        SELECT {id_col} AS unique_id,
               lower(regexp_replace(split_part(trim(given_names), ' ', 1), '[^A-Za-z]', '', 'g')) AS first_name,
               lower(regexp_replace(family_name, '[^A-Za-z]', '', 'g')) AS surname,
               TRY_CAST(date_of_birth AS DATE) AS dob,
               nullif(sex, 'U') AS sex,
               upper(replace(postcode, ' ', '')) AS postcode,
               nullif(lower(regexp_replace(address_line_1, '[^A-Za-z0-9 ]', '', 'g')), '') AS address,
               nullif(lower(trim(town)), '') AS town,
               nullif(upn, '') AS upn
        FROM read_csv('{path}', all_varchar = true, header = true)
    """)


def main(data, out, blocking="five"):
    con = duckdb.connect()
    standardise(con, f"{data}/register.csv", "register_ref", "register")
    standardise(con, f"{data}/social-care.csv", "record_id", "social_care")
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.PostcodeComparison("postcode"),
            cl.JaroWinklerAtThresholds("address", [0.95, 0.88]),
            cl.JaroWinklerAtThresholds("town", [0.92]),
            cl.ExactMatch("upn"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("dob", "surname"),
            block_on("dob", "first_name"),
            block_on("first_name", "surname"),
            block_on("postcode", "first_name"),
            block_on("upn"),
        ] if blocking == "five" else [
            block_on("dob", "surname"),
            block_on("first_name", "surname"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI(connection=con)
    t0 = time.perf_counter()
    # Splink 5: tables are registered with the database API, then handed to the linker.
    linker = Linker([db.register("register"), db.register("social_care")], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    t1 = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=0.001).as_duckdbpyrelation()
    con.register("pred", pred)
    con.execute(f"""
        COPY (
          SELECT unique_id_l AS register_ref, unique_id_r AS record_id,
                 CASE WHEN match_probability >= 0.5 THEN 'match' ELSE 'review' END AS decision,
                 match_probability AS score
          FROM pred
        ) TO '{out}' (HEADER, DELIMITER ',')
    """)
    t2 = time.perf_counter()
    print(f"splink training {t1 - t0:.1f} s, prediction {t2 - t1:.1f} s, total {t2 - t0:.1f} s")


if __name__ == "__main__":
    main(*sys.argv[1:4])
