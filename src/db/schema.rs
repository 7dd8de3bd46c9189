// @generated automatically by Diesel CLI.

diesel::table! {
    api_tokens (id) {
        id -> Uuid,
        name -> Text,
        holder -> Text,
        role -> Text,
        token_sha256 -> Bytea,
        created_at -> Timestamptz,
        created_by -> Nullable<Uuid>,
        revoked_at -> Nullable<Timestamptz>,
        revoked_by -> Nullable<Uuid>,
        last_used_at -> Nullable<Timestamptz>,
        supplier_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    attribute_result_photos (inspection_id, unit_index, characteristic_id, photo_id) {
        inspection_id -> Uuid,
        unit_index -> Int4,
        characteristic_id -> Uuid,
        photo_id -> Uuid,
        added_at -> Timestamptz,
        view -> Nullable<Text>,
    }
}

diesel::table! {
    attribute_result_defects (inspection_id, unit_index, characteristic_id, position) {
        inspection_id -> Uuid,
        unit_index -> Int4,
        characteristic_id -> Uuid,
        position -> Int4,
        defect_code_id -> Uuid,
    }
}

diesel::table! {
    attribute_results (inspection_id, unit_index, characteristic_id) {
        inspection_id -> Uuid,
        unit_index -> Int4,
        characteristic_id -> Uuid,
        pass -> Bool,
        defects -> Int4,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> Int8,
        at -> Timestamptz,
        token_id -> Nullable<Uuid>,
        actor -> Text,
        role -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        old_value -> Nullable<Jsonb>,
        new_value -> Nullable<Jsonb>,
        reason -> Nullable<Text>,
        prev_sha256 -> Bytea,
        sha256 -> Bytea,
    }
}

diesel::table! {
    characteristics (id) {
        id -> Uuid,
        part_id -> Uuid,
        name -> Text,
        kind -> Text,
        unit -> Nullable<Text>,
        nominal -> Nullable<Float8>,
        lsl -> Nullable<Float8>,
        usl -> Nullable<Float8>,
        classification -> Text,
        aql -> Float8,
        inspection_level -> Text,
        destructive -> Bool,
        created_at -> Timestamptz,
        inspection_cost -> Nullable<Float8>,
        escape_cost -> Nullable<Float8>,
        one_defect_fatal -> Bool,
    }
}

diesel::table! {
    decision_characteristic_outcomes (decision_id, characteristic_id) {
        decision_id -> Uuid,
        characteristic_id -> Uuid,
        severity -> Text,
        verdict -> Text,
        units_inspected -> Int8,
        defectives -> Int8,
        switching_accepted -> Nullable<Bool>,
        switching_acceptance_number -> Nullable<Int4>,
        switching_nonconforming -> Nullable<Int4>,
        switching_acceptance_number_one_step_tighter -> Nullable<Int4>,
    }
}

diesel::table! {
    decision_outcomes (decision_id) {
        decision_id -> Uuid,
        production_steady -> Bool,
        reduced_approved -> Bool,
    }
}

diesel::table! {
    defect_codes (id) {
        id -> Uuid,
        part_id -> Uuid,
        code -> Text,
        name -> Text,
        description -> Text,
        retired -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    golden_sample_conditions (id) {
        id -> Uuid,
        golden_sample_id -> Uuid,
        noted_by -> Text,
        condition -> Text,
        noted_at -> Timestamptz,
    }
}

diesel::table! {
    golden_sample_photos (revision_id, photo_id) {
        revision_id -> Uuid,
        photo_id -> Uuid,
        view -> Text,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    golden_sample_references (revision_id, characteristic_id) {
        revision_id -> Uuid,
        characteristic_id -> Uuid,
        value -> Float8,
        measured_by -> Text,
        measured_at -> Timestamptz,
    }
}

diesel::table! {
    golden_sample_revisions (id) {
        id -> Uuid,
        golden_sample_id -> Uuid,
        number -> Int4,
        revision -> Text,
        status -> Text,
        description -> Text,
        revalidation_due -> Date,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamptz>,
        approval_comment -> Nullable<Text>,
        approved_until -> Nullable<Timestamptz>,
        retired_by -> Nullable<Text>,
        retired_at -> Nullable<Timestamptz>,
        retire_reason -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    golden_samples (id) {
        id -> Uuid,
        part_id -> Uuid,
        code -> Text,
        storage_location -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (key) {
        key -> Text,
        request_sha256 -> Text,
        status -> Nullable<Int2>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Bytea>,
        created_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    inspection_units (inspection_id, unit_index) {
        inspection_id -> Uuid,
        unit_index -> Int4,
        serial -> Nullable<Text>,
    }
}

diesel::table! {
    inspections (id) {
        id -> Uuid,
        lot_id -> Uuid,
        source -> Text,
        mode -> Text,
        inspector -> Text,
        inspected_at -> Timestamptz,
        supersedes -> Nullable<Uuid>,
        reason -> Nullable<Text>,
        body_sha256 -> Text,
        recorded_at -> Timestamptz,
        golden_sample_revision_id -> Nullable<Uuid>,
        lot_change -> Int4,
    }
}

diesel::table! {
    lot_corrections (id) {
        id -> Uuid,
        lot_id -> Uuid,
        lot_change -> Nullable<Int4>,
        fields -> Array<Text>,
        reason -> Text,
        corrected_at -> Timestamptz,
    }
}

diesel::table! {
    lot_decisions (id) {
        id -> Uuid,
        lot_id -> Uuid,
        revision -> Int4,
        verdict -> Text,
        inputs -> Jsonb,
        decision -> Jsonb,
        decided_at -> Timestamptz,
        input_changes -> Int4,
    }
}

diesel::table! {
    lot_inspection_order_items (lot_id, characteristic_id) {
        lot_id -> Uuid,
        characteristic_id -> Uuid,
        position -> Int4,
        inspection -> Text,
        reason -> Text,
        code_letter -> Nullable<Text>,
        severity -> Nullable<Text>,
        sample_size -> Int8,
        acceptance_number -> Nullable<Int4>,
        rejection_number -> Nullable<Int4>,
        destructive -> Bool,
        units -> Array<Int4>,
        drawn_at -> Timestamptz,
    }
}

diesel::table! {
    lot_units (lot_id, unit) {
        lot_id -> Uuid,
        unit -> Text,
        recorded -> Int4,
        nonconforming -> Int4,
    }
}

diesel::table! {
    lot_unit_counts (lot_id) {
        lot_id -> Uuid,
        inspected -> Int8,
        nonconforming -> Int8,
    }
}

diesel::table! {
    lot_inspection_orders (lot_id) {
        lot_id -> Uuid,
        seed -> Text,
        drawn_at -> Timestamptz,
    }
}

diesel::table! {
    lot_dispositions (id) {
        id -> Uuid,
        lot_id -> Uuid,
        scope -> Text,
        disposition -> Text,
        reason -> Text,
        justification -> Nullable<Text>,
        approver -> Nullable<Text>,
        quantity -> Nullable<Int4>,
        expires_on -> Nullable<Date>,
        units -> Jsonb,
        decision_id -> Uuid,
        recorded_at -> Timestamptz,
        recorded_by -> Text,
        token_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    lots (id) {
        id -> Uuid,
        part_id -> Uuid,
        supplier_id -> Uuid,
        lot_number -> Text,
        lot_size -> Int4,
        produced_on -> Date,
        created_at -> Timestamptz,
        input_changes -> Int4,
        decided_input_changes -> Nullable<Int4>,
        verdict -> Nullable<Text>,
        accepted_on_resubmission -> Bool,
        disposition -> Nullable<Text>,
        released_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        cancel_reason -> Nullable<Text>,
        status -> Text,
    }
}

diesel::table! {
    measurements (inspection_id, unit_index, characteristic_id) {
        inspection_id -> Uuid,
        unit_index -> Int4,
        characteristic_id -> Uuid,
        value -> Float8,
    }
}

diesel::table! {
    ncr_counters (year) {
        year -> Int4,
        last -> Int4,
    }
}

diesel::table! {
    ncrs (id) {
        id -> Uuid,
        number -> Text,
        lot_id -> Uuid,
        decision_id -> Nullable<Uuid>,
        characteristic_ids -> Array<Uuid>,
        quantity_nonconforming -> Int4,
        defect_codes -> Jsonb,
        photo_ids -> Array<Uuid>,
        description -> Text,
        containment -> Text,
        status -> Text,
        opened_at -> Timestamptz,
        opened_by -> Text,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Text>,
        verification_note -> Nullable<Text>,
        verification_inspection_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    parts (id) {
        id -> Uuid,
        number -> Text,
        name -> Text,
        stage -> Text,
        description -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    photos (id) {
        id -> Uuid,
        sha256 -> Text,
        content_type -> Text,
        byte_size -> Int4,
        width -> Int4,
        height -> Int4,
        bytes -> Bytea,
        thumbnail_content_type -> Text,
        thumbnail_width -> Int4,
        thumbnail_height -> Int4,
        thumbnail -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    resubmission_inspections (inspection_id) {
        inspection_id -> Uuid,
        resubmission_id -> Uuid,
    }
}

diesel::table! {
    resubmissions (id) {
        id -> Uuid,
        lot_id -> Uuid,
        reason -> Text,
        action -> Text,
        severity -> Text,
        recorded_at -> Timestamptz,
        lot_change -> Nullable<Int4>,
    }
}

diesel::table! {
    supplier_source_policies (supplier_id, position) {
        supplier_id -> Uuid,
        position -> Int4,
        policy -> Text,
        reason -> Text,
        set_by -> Text,
        set_at -> Timestamptz,
    }
}

diesel::table! {
    suppliers (id) {
        id -> Uuid,
        name -> Text,
        code -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    switching_checkpoints (supplier_id, part_id, produced_on, lot_id) {
        supplier_id -> Uuid,
        part_id -> Uuid,
        produced_on -> Date,
        lot_id -> Uuid,
        decision_id -> Uuid,
        histories -> Jsonb,
    }
}

diesel::table! {
    switching_events (supplier_id, part_id, characteristic_id, seq) {
        supplier_id -> Uuid,
        part_id -> Uuid,
        characteristic_id -> Uuid,
        seq -> Int4,
        lot_id -> Uuid,
        decision_id -> Nullable<Uuid>,
        from_severity -> Text,
        to_severity -> Text,
        reason -> Text,
        resume_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    switching_resumes (id) {
        id -> Uuid,
        supplier_id -> Uuid,
        part_id -> Uuid,
        characteristic_id -> Uuid,
        after_lot_id -> Uuid,
        reason -> Text,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    switching_settings (supplier_id, part_id) {
        supplier_id -> Uuid,
        part_id -> Uuid,
        production_steady -> Bool,
        reduced_approved -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    switching_states (supplier_id, part_id, characteristic_id) {
        supplier_id -> Uuid,
        part_id -> Uuid,
        characteristic_id -> Uuid,
        severity -> Text,
        state -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        webhook_id -> Uuid,
        event_id -> Uuid,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_delivery_attempts (delivery_id, attempt) {
        delivery_id -> Uuid,
        attempt -> Int4,
        started_at -> Timestamptz,
        duration_ms -> Int4,
        status_code -> Nullable<Int4>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Uuid,
        event_type -> Text,
        occurred_at -> Timestamptz,
        data -> Jsonb,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Uuid,
        url -> Text,
        events -> Array<Text>,
        description -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Timestamptz,
        created_by -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_tokens -> suppliers (supplier_id));
diesel::joinable!(attribute_result_photos -> photos (photo_id));
diesel::joinable!(attribute_result_defects -> defect_codes (defect_code_id));
diesel::joinable!(attribute_results -> characteristics (characteristic_id));
diesel::joinable!(audit_events -> api_tokens (token_id));
diesel::joinable!(characteristics -> parts (part_id));
diesel::joinable!(decision_characteristic_outcomes -> characteristics (characteristic_id));
diesel::joinable!(decision_characteristic_outcomes -> decision_outcomes (decision_id));
diesel::joinable!(decision_outcomes -> lot_decisions (decision_id));
diesel::joinable!(defect_codes -> parts (part_id));
diesel::joinable!(golden_sample_conditions -> golden_samples (golden_sample_id));
diesel::joinable!(golden_sample_photos -> golden_sample_revisions (revision_id));
diesel::joinable!(golden_sample_photos -> photos (photo_id));
diesel::joinable!(golden_sample_references -> characteristics (characteristic_id));
diesel::joinable!(golden_sample_references -> golden_sample_revisions (revision_id));
diesel::joinable!(golden_sample_revisions -> golden_samples (golden_sample_id));
diesel::joinable!(golden_samples -> parts (part_id));
diesel::joinable!(inspection_units -> inspections (inspection_id));
diesel::joinable!(inspections -> golden_sample_revisions (golden_sample_revision_id));
diesel::joinable!(inspections -> lots (lot_id));
diesel::joinable!(lot_corrections -> lots (lot_id));
diesel::joinable!(lot_decisions -> lots (lot_id));
diesel::joinable!(lot_dispositions -> api_tokens (token_id));
diesel::joinable!(lot_dispositions -> lot_decisions (decision_id));
diesel::joinable!(lot_dispositions -> lots (lot_id));
diesel::joinable!(lot_inspection_order_items -> characteristics (characteristic_id));
diesel::joinable!(lot_inspection_order_items -> lot_inspection_orders (lot_id));
diesel::joinable!(lot_inspection_orders -> lots (lot_id));
diesel::joinable!(lot_unit_counts -> lots (lot_id));
diesel::joinable!(lot_units -> lots (lot_id));
diesel::joinable!(lots -> parts (part_id));
diesel::joinable!(lots -> suppliers (supplier_id));
diesel::joinable!(measurements -> characteristics (characteristic_id));
diesel::joinable!(ncrs -> inspections (verification_inspection_id));
diesel::joinable!(ncrs -> lot_decisions (decision_id));
diesel::joinable!(ncrs -> lots (lot_id));
diesel::joinable!(resubmission_inspections -> inspections (inspection_id));
diesel::joinable!(resubmission_inspections -> resubmissions (resubmission_id));
diesel::joinable!(resubmissions -> lots (lot_id));
diesel::joinable!(supplier_source_policies -> suppliers (supplier_id));
diesel::joinable!(switching_checkpoints -> lot_decisions (decision_id));
diesel::joinable!(switching_checkpoints -> lots (lot_id));
diesel::joinable!(switching_checkpoints -> parts (part_id));
diesel::joinable!(switching_checkpoints -> suppliers (supplier_id));
diesel::joinable!(switching_events -> characteristics (characteristic_id));
diesel::joinable!(switching_events -> lot_decisions (decision_id));
diesel::joinable!(switching_events -> lots (lot_id));
diesel::joinable!(switching_events -> parts (part_id));
diesel::joinable!(switching_events -> suppliers (supplier_id));
diesel::joinable!(switching_events -> switching_resumes (resume_id));
diesel::joinable!(switching_resumes -> characteristics (characteristic_id));
diesel::joinable!(switching_resumes -> lots (after_lot_id));
diesel::joinable!(switching_resumes -> parts (part_id));
diesel::joinable!(switching_resumes -> suppliers (supplier_id));
diesel::joinable!(switching_settings -> parts (part_id));
diesel::joinable!(switching_settings -> suppliers (supplier_id));
diesel::joinable!(switching_states -> characteristics (characteristic_id));
diesel::joinable!(switching_states -> parts (part_id));
diesel::joinable!(switching_states -> suppliers (supplier_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_delivery_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhooks -> api_tokens (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    attribute_result_defects,
    attribute_result_photos,
    attribute_results,
    audit_events,
    characteristics,
    decision_characteristic_outcomes,
    decision_outcomes,
    defect_codes,
    golden_sample_conditions,
    golden_sample_photos,
    golden_sample_references,
    golden_sample_revisions,
    golden_samples,
    idempotency_keys,
    inspection_units,
    inspections,
    lot_corrections,
    lot_decisions,
    lot_dispositions,
    lot_inspection_order_items,
    lot_inspection_orders,
    lot_unit_counts,
    lot_units,
    lots,
    measurements,
    ncr_counters,
    ncrs,
    parts,
    photos,
    resubmission_inspections,
    resubmissions,
    supplier_source_policies,
    suppliers,
    switching_checkpoints,
    switching_events,
    switching_resumes,
    switching_settings,
    switching_states,
    webhook_deliveries,
    webhook_delivery_attempts,
    webhook_events,
    webhooks,
);
