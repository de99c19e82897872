// Written by hand: one schema that both backends share (TEXT ids, UTC timestamps).
diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        totp_secret -> Nullable<Text>,
        totp_enrolled -> Bool,
        last_totp_step -> Nullable<BigInt>,
        failed_attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        active -> Bool,
        created_at -> Timestamp,
        school_id -> Nullable<Text>,
        must_change_password -> Bool,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        second_factor_passed -> Bool,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    children (id) {
        id -> Text,
        reference -> Text,
        given_names -> Text,
        family_name -> Text,
        date_of_birth -> Nullable<Date>,
        sex -> Text,
        upn -> Nullable<Text>,
        nhs_number -> Nullable<Text>,
        la_reference -> Nullable<Text>,
        arrangement -> Text,
        eligibility_condition -> Text,
        eligible_from -> Nullable<Date>,
        reason -> Text,
        reason_detail -> Nullable<Text>,
        sen_status -> Text,
        parent_hours_per_week -> Nullable<Double>,
        other_hours_per_week -> Nullable<Double>,
        status -> Text,
        closed_reason -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        closed_note -> Nullable<Text>,
        source -> Text,
        reviewed -> Bool,
        name_key -> Text,
        postcode_key -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        missing -> Nullable<Text>,
    }
}

diesel::table! {
    addresses (id) {
        id -> Text,
        child_id -> Text,
        kind -> Text,
        line_1 -> Text,
        line_2 -> Nullable<Text>,
        town -> Text,
        postcode -> Text,
        moved_in_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    parents (id) {
        id -> Text,
        child_id -> Text,
        given_names -> Text,
        family_name -> Text,
        relationship -> Text,
        parental_responsibility -> Bool,
        lives_with_child -> Bool,
        educating -> Bool,
        address_line_1 -> Nullable<Text>,
        address_town -> Nullable<Text>,
        address_postcode -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    providers (id) {
        id -> Text,
        child_id -> Text,
        name -> Text,
        provider_type -> Text,
        address -> Nullable<Text>,
        website -> Nullable<Text>,
        hours_per_week -> Double,
        hours_without_parent -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    child_changes (id) {
        id -> Text,
        child_id -> Text,
        user_id -> Nullable<Text>,
        at -> Timestamp,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        reason -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        user_id -> Nullable<Text>,
        action -> Text,
        child_id -> Nullable<Text>,
        purpose -> Text,
    }
}

diesel::table! {
    /// The audit rows of reads; on SQLite in the attached file `audit_reads` (`db::attach_read_audit`).
    read_audit_events (id) {
        id -> Text,
        at -> Timestamp,
        user_id -> Nullable<Text>,
        action -> Text,
        child_id -> Nullable<Text>,
        purpose -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(addresses -> children (child_id));
diesel::joinable!(parents -> children (child_id));
diesel::joinable!(providers -> children (child_id));
diesel::joinable!(child_changes -> children (child_id));

diesel::table! {
    outbox (id) {
        id -> Text,
        template -> Text,
        template_version -> Text,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        child_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        document_id -> Nullable<Text>,
    }
}

diesel::table! {
    parent_codes (id) {
        id -> Text,
        email -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        attempts -> Integer,
    }
}

diesel::table! {
    parent_sessions (token_hash) {
        token_hash -> Text,
        email -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    email_service_consents (id) {
        id -> Text,
        email -> Text,
        document_kind -> Text,
        consented -> Bool,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    application_drafts (id) {
        id -> Text,
        email -> Text,
        answers -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        application_id -> Nullable<Text>,
    }
}

diesel::table! {
    child_prescribed (child_id) {
        child_id -> Text,
        ethnicity -> Text,
        disability -> Text,
        young_carer -> Text,
        looked_after -> Text,
        schools_attended -> Nullable<Text>,
        missing_education_from -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    disclosures (id) {
        id -> Text,
        child_id -> Text,
        gateway -> Text,
        partner -> Text,
        requested_by -> Text,
        purpose -> Text,
        information -> Text,
        disclosed_on -> Date,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    transfers (id) {
        id -> Text,
        child_id -> Nullable<Text>,
        direction -> Text,
        council_code -> Text,
        council_name -> Text,
        moved_on -> Date,
        package -> Text,
        sha256 -> Text,
        made_by -> Nullable<Text>,
        made_at -> Timestamp,
    }
}

diesel::table! {
    legal_holds (id) {
        id -> Text,
        subject_kind -> Text,
        subject_id -> Text,
        reason -> Text,
        placed_by -> Text,
        placed_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
        released_by -> Nullable<Text>,
    }
}

diesel::table! {
    parent_notifications (id) {
        id -> Text,
        email -> Text,
        reference -> Text,
        answers -> Text,
        pending_step -> Nullable<Text>,
        pending_form -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tasks (id) {
        id -> Text,
        child_id -> Nullable<Text>,
        kind -> Text,
        summary -> Text,
        source_id -> Nullable<Text>,
        due_on -> Nullable<Date>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
        outcome -> Nullable<Text>,
        assigned_to -> Nullable<Text>,
    }
}

diesel::table! {
    parent_reports (id) {
        id -> Text,
        child_id -> Text,
        email -> Text,
        kind -> Text,
        details -> Text,
        happened_on -> Nullable<Date>,
        information_request_id -> Nullable<Text>,
        submitted_at -> Timestamp,
        proposal -> Nullable<Text>,
    }
}

diesel::table! {
    information_requests (id) {
        id -> Text,
        child_id -> Text,
        kind -> Text,
        asked -> Nullable<Text>,
        sent_at -> Timestamp,
        sent_by -> Nullable<Text>,
        method -> Text,
        due_on -> Date,
        responded_at -> Nullable<Timestamp>,
        overdue_task_id -> Nullable<Text>,
    }
}

diesel::joinable!(tasks -> children (child_id));
diesel::joinable!(parent_reports -> children (child_id));
diesel::joinable!(information_requests -> children (child_id));

diesel::table! {
    social_care_records (id) {
        id -> Text,
        source_record_id -> Text,
        source -> Text,
        given_names -> Nullable<Text>,
        family_name -> Nullable<Text>,
        date_of_birth -> Nullable<Date>,
        sex -> Text,
        upn -> Nullable<Text>,
        former_upn -> Nullable<Text>,
        nhs_number -> Nullable<Text>,
        address_line_1 -> Nullable<Text>,
        town -> Nullable<Text>,
        postcode -> Nullable<Text>,
        data_hash -> Text,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    social_care_episodes (id) {
        id -> Text,
        record_id -> Text,
        kind -> Text,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        nfa -> Nullable<Bool>,
        action_date -> Nullable<Date>,
    }
}

diesel::table! {
    bank_holidays (day) {
        day -> Date,
        is_holiday -> Bool,
        title -> Text,
        source -> Text,
        added_by -> Nullable<Text>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    section47_outcomes (id) {
        id -> Text,
        record_id -> Text,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        nfa -> Bool,
        action_date -> Nullable<Date>,
        reason -> Text,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    match_links (child_id, record_id) {
        child_id -> Text,
        record_id -> Text,
        decision -> Text,
        score -> Double,
        explanation -> Text,
        child_hash -> Text,
        record_hash -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        reason -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    child_flags (id) {
        id -> Text,
        child_id -> Text,
        kind -> Text,
        record_id -> Text,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        raised_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    cross_check_runs (id) {
        id -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        status -> Text,
        trigger -> Text,
        children -> Integer,
        records -> Integer,
        pairs -> Integer,
        matches -> Integer,
        reviews -> Integer,
        flags_raised -> Integer,
        flags_ended -> Integer,
        message -> Nullable<Text>,
    }
}

diesel::table! {
    leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(social_care_episodes -> social_care_records (record_id));
diesel::joinable!(match_links -> children (child_id));
diesel::joinable!(match_links -> social_care_records (record_id));
diesel::joinable!(child_flags -> children (child_id));

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        school_id -> Nullable<Text>,
    }
}

diesel::table! {
    schools (id) {
        id -> Text,
        urn -> Text,
        name -> Text,
        kind -> Text,
        address -> Text,
        email -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consent_applications (id) {
        id -> Text,
        reference -> Text,
        school_id -> Text,
        applicant -> Text,
        parent_email -> Text,
        parent_name -> Text,
        parent_phone -> Nullable<Text>,
        parent_address -> Text,
        parent_email_consent -> Bool,
        other_parents -> Text,
        given_names -> Text,
        family_name -> Text,
        date_of_birth -> Date,
        sex -> Text,
        upn -> Nullable<Text>,
        address_line_1 -> Text,
        town -> Text,
        postcode -> Text,
        education_plan -> Text,
        educated_by -> Text,
        hours_per_week -> Nullable<Double>,
        resources -> Text,
        reasons -> Text,
        needs -> Text,
        status -> Text,
        received_on -> Date,
        repeat_of -> Nullable<Text>,
        placed_by_council -> Nullable<Bool>,
        condition_a_note -> Nullable<Text>,
        other_council_s47 -> Nullable<Text>,
        ruled_out_records -> Text,
        best_interests -> Nullable<Text>,
        best_interests_reasons -> Nullable<Text>,
        best_interests_evidence -> Nullable<Text>,
        arrangements -> Nullable<Text>,
        arrangements_reasons -> Nullable<Text>,
        arrangements_evidence -> Nullable<Text>,
        assessed_by -> Nullable<Text>,
        assessed_at -> Nullable<Timestamp>,
        decision -> Nullable<Text>,
        decision_reasons -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        exceptional_circumstances -> Nullable<Text>,
        meeting -> Nullable<Text>,
        meeting_on -> Nullable<Date>,
        meeting_outcome -> Nullable<Text>,
        referred_on -> Nullable<Date>,
        referral_outcome -> Nullable<Text>,
        referral_outcome_on -> Nullable<Date>,
        withdrawn_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    school_notices (id) {
        id -> Text,
        reference -> Text,
        school_id -> Text,
        kind -> Text,
        given_names -> Text,
        family_name -> Text,
        date_of_birth -> Date,
        sex -> Text,
        upn -> Nullable<Text>,
        address_line_1 -> Text,
        town -> Text,
        postcode -> Text,
        parents -> Text,
        ground -> Nullable<Text>,
        on_date -> Date,
        future_school -> Nullable<Text>,
        relevant_child -> Bool,
        answer -> Text,
        application_id -> Nullable<Text>,
        child_id -> Nullable<Text>,
        received_at -> Timestamp,
        late_days -> Nullable<Integer>,
    }
}

diesel::table! {
    served_documents (id) {
        id -> Text,
        kind -> Text,
        subject_id -> Text,
        recipient_role -> Text,
        recipient_name -> Text,
        method -> Text,
        sent_to -> Text,
        template_version -> Text,
        body -> Text,
        pdf -> Binary,
        pdf_sha256 -> Text,
        status -> Text,
        served_on -> Nullable<Date>,
        service_note -> Nullable<Text>,
        outbox_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(consent_applications -> schools (school_id));
diesel::joinable!(school_notices -> schools (school_id));

diesel::table! {
    attendance_cases (id) {
        id -> Text,
        reference -> Text,
        child_id -> Text,
        regime -> Text,
        conditions -> Text,
        grounds -> Text,
        stage -> Text,
        requirements_met_on -> Date,
        response_days -> Integer,
        section47_relied_on -> Text,
        ehc_plan_school_id -> Nullable<Text>,
        school_id -> Nullable<Text>,
        alternatives -> Text,
        consulted_on -> Nullable<Date>,
        objection_applied_on -> Nullable<Date>,
        direction_on -> Nullable<Date>,
        place_secured -> Bool,
        determined_on -> Nullable<Date>,
        assigned_to -> Nullable<Text>,
        opened_by -> Text,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        reminded_for -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        suitable_education_shown -> Bool,
        ehc_plan_no_school -> Bool,
    }
}

diesel::table! {
    attendance_events (id) {
        id -> Text,
        case_id -> Text,
        kind -> Text,
        on_date -> Date,
        details -> Text,
        user_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    term_dates (id) {
        id -> Text,
        school_id -> Nullable<Text>,
        kind -> Text,
        starts_on -> Date,
        ends_on -> Date,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(attendance_cases -> children (child_id));
diesel::joinable!(attendance_events -> attendance_cases (case_id));
diesel::joinable!(term_dates -> schools (school_id));

diesel::table! {
    parent_claims (id) {
        id -> Text,
        child_id -> Text,
        child_given_names -> Text,
        child_family_name -> Text,
        child_date_of_birth -> Date,
        child_address -> Nullable<Text>,
        given_names -> Text,
        family_name -> Text,
        relationship -> Text,
        parental_responsibility -> Bool,
        lives_with_child -> Bool,
        educating -> Bool,
        address_line_1 -> Nullable<Text>,
        address_town -> Nullable<Text>,
        address_postcode -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        source -> Text,
        source_id -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        reason -> Nullable<Text>,
    }
}

diesel::joinable!(parent_claims -> children (child_id));

diesel::table! {
    sign_in_attempts (id) {
        id -> Text,
        account_key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    form_submissions (token) {
        token -> Text,
        actor -> Text,
        result -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    child_name_parts (part, child_id) {
        part -> Text,
        child_id -> Text,
        family_name -> Text,
        given_names -> Text,
    }
}

diesel::table! {
    saved_searches (id) {
        id -> Text,
        user_id -> Text,
        query -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    child_name_pairs (pair, child_id) {
        pair -> Text,
        child_id -> Text,
        family_name -> Text,
        given_names -> Text,
    }
}

diesel::joinable!(child_name_parts -> children (child_id));
diesel::joinable!(child_name_pairs -> children (child_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    children,
    addresses,
    parents,
    providers,
    child_changes,
    audit_events,
    read_audit_events,
    outbox,
    tasks,
    parent_reports,
    information_requests,
    parent_notifications,
    social_care_records,
    social_care_episodes,
    match_links,
    child_flags,
    cross_check_runs,
    leases,
    api_tokens,
    schools,
    consent_applications,
    school_notices,
    served_documents,
    attendance_cases,
    attendance_events,
    term_dates,
    parent_claims,
    form_submissions,
    sign_in_attempts,
    section47_outcomes,
    bank_holidays,
    child_name_parts,
    child_name_pairs,
    saved_searches,
    application_drafts,
    legal_holds,
    child_prescribed,
    transfers,
    disclosures,
);
diesel::joinable!(child_prescribed -> children (child_id));
diesel::joinable!(transfers -> children (child_id));
diesel::joinable!(disclosures -> children (child_id));
