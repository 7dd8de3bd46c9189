//! The bulk path: CSV import of an inspection and the CSV exports of a lot, the one a
//! row per unit that the import reads back, and the long one.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::builders::Fixture;
use crate::support::app;

const ID: &str = "5e4d3c2b-1a09-4877-8665-544332211000";

fn import(f: &Fixture, csv: &str) -> TestRequest {
    let uri = format!(
        "/api/v1/lots/{}/inspections/import?id={ID}&source=in_house&mode=sampling&inspector=kim&inspected_at=2026-11-21T08:00:00Z",
        f.lot_id
    );
    TestRequest::post()
        .uri(&uri)
        .insert_header(("content-type", "text/csv"))
        .set_payload(csv.to_string())
}

#[actix_web::test]
async fn imports_a_csv_one_row_per_unit_and_skips_empty_cells() {
    let app = app().await;
    let f = app.fixture().await;
    let csv = "unit,serial,Width\n1,B-1,12.01\n2,B-2,\n3,,11.95\n"
        .replace("\n2,B-2,\n", "\n2,B-2,12.10\n");

    let reply = app.send(import(&f, &csv)).await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    let units = reply.body["units"].as_array().unwrap();
    assert_eq!(units.len(), 3);
    assert_eq!(units[2]["serial"], serde_json::Value::Null);
    assert_eq!(units[2]["measurements"][0]["value"], 11.95);
    assert_eq!(reply.body["source"], "in_house");
}

#[actix_web::test]
async fn a_value_column_may_name_the_characteristic_by_id_and_cells_may_be_empty() {
    let app = app().await;
    let f = app.fixture().await;
    let extra = app
        .create_characteristic(
            &f.part_id,
            json!({"name": "Weight", "kind": "variable", "unit": "g",
        "classification": "minor", "aql": 2.5, "inspection_level": "II"}),
        )
        .await;
    let csv = format!("unit,serial,{},Weight\n1,,12.0,\n2,,,2.4\n", f.width_id);

    let reply = app.send(import(&f, &csv)).await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        reply.body["units"][0]["measurements"],
        json!([{"characteristic_id": f.width_id, "value": 12.0}])
    );
    assert_eq!(
        reply.body["units"][1]["measurements"],
        json!([{"characteristic_id": extra, "value": 2.4}])
    );
}

#[actix_web::test]
async fn importing_the_same_file_again_stores_nothing_new() {
    let app = app().await;
    let f = app.fixture().await;
    let csv = "unit,serial,Width\n1,B-1,12.01\n";

    let first = app.send(import(&f, csv)).await;
    let again = app.send(import(&f, csv)).await;

    assert_eq!(first.status, 201);
    assert_eq!(again.status, 200);
    let list = app
        .get(&format!("/api/v1/lots/{}/inspections", f.lot_id))
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn errors_name_the_line_and_column_and_nothing_is_stored() {
    let app = app().await;
    let f = app.fixture().await;
    let csv = "unit,serial,Width\n1,B-1,12.01\n2,B-2,twelve\n2,B-3,12.00\n0,B-4,12.0\n";

    let reply = app.send(import(&f, csv)).await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        [
            "line 3, column Width",
            "line 4, column unit",
            "line 5, column unit"
        ]
    );
    let list = app
        .get(&format!("/api/v1/lots/{}/inspections", f.lot_id))
        .await;
    assert_eq!(list.body["items"], json!([]));
}

#[actix_web::test]
async fn an_unknown_column_is_named_in_the_header_and_a_bad_result_in_its_row() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .send(import(
            &f,
            "unit,serial,Width,Colour,Scratches,Width note\n1,,12.0,3,1,\n",
        ))
        .await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        [
            "line 1, column Colour",
            "line 1, column Width note",
            "line 2, column Scratches"
        ]
    );
    assert!(
        reply.body["errors"][2]["message"]
            .as_str()
            .unwrap()
            .contains("neither `pass` nor `fail`"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_unit_beyond_the_lot_size_names_its_line() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .send(import(&f, "unit,serial,Width\n1,,12.0\n501,,12.0\n"))
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["line 3, column unit"]);
}

#[actix_web::test]
async fn the_import_takes_csv_only_and_refuses_a_body_over_its_limit() {
    let app = app().await;
    let f = app.fixture().await;
    let json_body = import(&f, "{}").insert_header(("content-type", "application/json"));
    let huge = import(&f, "unit,serial,Width\n")
        .insert_header(("content-length", (64 * 1024 * 1024).to_string()));

    app.send(json_body).await.assert_problem(415);
    app.send(huge).await.assert_problem(413);
}

#[actix_web::test]
async fn the_long_export_has_every_measurement_of_a_lot_and_marks_superseded_ones() {
    let app = app().await;
    let f = app.fixture().await;
    app.send(import(&f, "unit,serial,Width\n1,B-1,12.01\n2,B-2,12.02\n"))
        .await;
    let fix = crate::builders::inspection(&f, "6e4d3c2b-1a09-4877-8665-544332211000", 1);
    assert_eq!(
        app.post(
            &format!("/api/v1/inspections/{ID}/corrections"),
            json!({"reason": "wrong gauge", "inspection": fix})
        )
        .await
        .status,
        201
    );

    let reply = app
        .get(&format!(
            "/api/v1/lots/{}/measurements.csv?format=long",
            f.lot_id
        ))
        .await;

    assert_eq!(reply.status, 200);
    assert!(reply.content_type().starts_with("text/csv"));
    let text = reply.body.as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "inspection_id,inspected_at,source,mode,current,unit,serial,characteristic_id,characteristic,value"
    );
    assert_eq!(lines.len(), 4);
    let imported: Vec<&&str> = lines.iter().filter(|l| l.starts_with(ID)).collect();
    assert_eq!(imported.len(), 2);
    assert!(
        imported[0].starts_with(&format!(
            "{ID},2026-11-21T08:00:00.000000Z,in_house,sampling,false,1,B-1,"
        )),
        "{}",
        imported[0]
    );
    assert!(imported[0].ends_with(",Width,12.01"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("6e4d3c2b") && l.contains(",true,1,S-1,")),
        "{text}"
    );
}

/// The import as a form: the CSV as the `file` part.
fn import_form(lot_id: &str, id: &str, csv: &str) -> TestRequest {
    use crate::golden_builders::{BOUNDARY, Part, form};
    let uri = format!(
        "/api/v1/lots/{lot_id}/inspections/import?id={id}&source=factory&mode=sampling&inspector=kim&inspected_at=2026-11-22T08:00:00Z"
    );
    let body = form(&[Part {
        name: "file",
        filename: Some("lot.csv"),
        content_type: Some("text/csv"),
        bytes: csv.as_bytes(),
    }]);
    TestRequest::post()
        .uri(&uri)
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(body)
}

#[actix_web::test]
async fn a_lot_exported_and_imported_into_another_lot_records_every_value_again() {
    let app = app().await;
    let f = app.fixture().await;
    for code in ["scratch", "flash"] {
        let made = app
            .post(
                &format!("/api/v1/parts/{}/defect-codes", f.part_id),
                json!({"code": code, "name": code}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    // Values whose decimal text is long or tricky (0.1 + 0.2, a tiny and a 17-digit
    // number), a unit without a width, a note with a comma, quotes and outer spaces.
    let units = json!([
        {"unit": 1, "serial": "B-0001",
         "measurements": [{"characteristic_id": f.width_id, "value": 0.1 + 0.2}],
         "attributes": [{"characteristic_id": f.scratch_id, "pass": true}]},
        {"unit": 2, "serial": null,
         "measurements": [{"characteristic_id": f.width_id, "value": 12.345678901234567}],
         "attributes": [{"characteristic_id": f.scratch_id, "pass": false, "defects": 3,
                         "note": " lid, \"top\" edge ", "defect_codes": ["flash", "scratch"]}]},
        {"unit": 7, "serial": "B-0007",
         "attributes": [{"characteristic_id": f.scratch_id, "pass": false}]},
        {"unit": 9, "serial": "B,0009",
         "measurements": [{"characteristic_id": f.width_id, "value": 1e-7}]},
    ]);
    let original = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            json!({"id": "11111111-2222-4333-8444-555555555555", "source": "factory",
                "mode": "sampling", "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z",
                "units": units}),
        )
        .await;
    assert_eq!(original.status, 201, "{}", original.body);
    let second = app
        .create_lot(&f.part_id, &f.supplier_id, "L-2", 500, "2026-11-21")
        .await;

    let exported = app
        .get(&format!("/api/v1/lots/{}/measurements.csv", f.lot_id))
        .await;
    assert_eq!(exported.status, 200, "{}", exported.body);
    let csv = exported.body.as_str().unwrap();
    let imported = app
        .send(import_form(
            &second,
            "21111111-2222-4333-8444-555555555555",
            csv,
        ))
        .await;

    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(
        csv.lines().next().unwrap(),
        "unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note"
    );
    // Every unit, serial, value and result, as recorded the first time (a failed result
    // recorded without a count is stored as 1 defect, and exported so).
    assert_eq!(imported.body["units"], original.body["units"], "{csv}");
    assert_eq!(
        imported.body["units"][1]["attributes"][0]["note"],
        " lid, \"top\" edge "
    );
    assert_eq!(
        imported.body["units"][0]["measurements"][0]["value"],
        0.1 + 0.2
    );
}

#[actix_web::test]
async fn a_lot_with_several_current_inspections_is_exported_one_inspection_at_a_time() {
    let app = app().await;
    let f = app.fixture().await;
    app.send(import(&f, "unit,serial,Width\n1,B-1,12.01\n"))
        .await;
    let other = crate::builders::inspection(&f, "6e4d3c2b-1a09-4877-8665-544332211000", 2);
    let recorded = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), other)
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);

    let ambiguous = app
        .get(&format!("/api/v1/lots/{}/measurements.csv", f.lot_id))
        .await;
    let chosen = app
        .get(&format!(
            "/api/v1/lots/{}/measurements.csv?inspection_id={ID}",
            f.lot_id
        ))
        .await;

    ambiguous.assert_problem(409);
    assert_eq!(ambiguous.error_fields(), ["inspection_id"]);
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    assert_eq!(
        chosen.body.as_str().unwrap(),
        "unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note\n\
         1,B-1,12.01,,,,\n"
    );
}

#[actix_web::test]
async fn a_lot_without_inspections_exports_the_header_as_a_template() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .get(&format!("/api/v1/lots/{}/measurements.csv", f.lot_id))
        .await;

    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body.as_str().unwrap(),
        "unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note\n"
    );
}

#[actix_web::test]
async fn a_result_companion_without_a_result_and_a_form_without_its_file_are_refused() {
    let app = app().await;
    let f = app.fixture().await;
    let orphan = import(&f, "unit,serial,Width,Scratches note\n1,,12.0,lid\n");
    let no_file = {
        use crate::golden_builders::{BOUNDARY, Part, form};
        TestRequest::post()
            .uri(&format!(
                "/api/v1/lots/{}/inspections/import?id={ID}&source=factory&mode=sampling&inspector=kim&inspected_at=2026-11-22T08:00:00Z",
                f.lot_id
            ))
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ))
            .set_payload(form(&[Part {
                name: "csv",
                filename: Some("lot.csv"),
                content_type: None,
                bytes: b"unit,serial,Width\n1,,12.0\n",
            }]))
    };

    let orphan = app.send(orphan).await;
    let no_file = app.send(no_file).await;

    orphan.assert_problem(422);
    assert_eq!(orphan.error_fields(), ["line 2, column Scratches note"]);
    no_file.assert_problem(422);
    assert_eq!(no_file.error_fields(), ["csv"]);
}
