// @generated automatically by Diesel CLI.

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
    suppliers (id) {
        id -> Uuid,
        name -> Text,
        code -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(attribute_results -> characteristics (characteristic_id));
diesel::joinable!(characteristics -> parts (part_id));
diesel::joinable!(inspection_units -> inspections (inspection_id));
diesel::joinable!(inspections -> lots (lot_id));
diesel::joinable!(lots -> parts (part_id));
diesel::joinable!(lots -> suppliers (supplier_id));
diesel::joinable!(measurements -> characteristics (characteristic_id));

diesel::allow_tables_to_appear_in_same_query!(
    attribute_results,
    characteristics,
    idempotency_keys,
    inspection_units,
    inspections,
    lots,
    measurements,
    parts,
    suppliers,
);
