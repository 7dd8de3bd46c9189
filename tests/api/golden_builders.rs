//! Builders for golden samples and photo uploads, going through the API like a client.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test::TestRequest;
use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg, encode_png};
use serde_json::json;

use crate::support::{Reply, TestApp};

/// A demo clip photo drawn by code: `variant` 0 is the good part, 1 has a scratch.
pub fn clip_jpeg(view: &str, variant: u32) -> Vec<u8> {
    encode_jpeg(
        &draw_demo_part(DemoPart::PlasticClip, view, 640, 480, variant),
        90,
    )
    .unwrap()
}

pub fn clip_png(view: &str) -> Vec<u8> {
    encode_png(&draw_demo_part(DemoPart::PlasticClip, view, 320, 240, 0)).unwrap()
}

/// A PNG of a few dozen bytes whose header declares `width` x `height` pixels and whose
/// pixel data is empty: a decompression bomb's header.
pub fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// One part of a multipart form.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub bytes: &'a [u8],
}

pub const BOUNDARY: &str = "lotgate-test-boundary-7d2a";

/// A multipart/form-data body.
pub fn form(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
        if let Some(f) = p.filename {
            disposition.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(ct) = p.content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A form with a `photo` file part and, when given, a `view` part.
pub fn photo_form(photo: &[u8], content_type: Option<&str>, view: Option<&str>) -> Vec<u8> {
    let mut parts = vec![Part {
        name: "photo",
        filename: Some("photo.bin"),
        content_type,
        bytes: photo,
    }];
    if let Some(v) = view {
        parts.push(Part {
            name: "view",
            filename: None,
            content_type: None,
            bytes: v.as_bytes(),
        });
    }
    form(&parts)
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Registers golden sample `code` of the part; returns its id.
    pub async fn create_golden_sample(&self, part_id: &str, code: &str) -> String {
        let reply = self
            .post(
                "/api/v1/golden-samples",
                json!({"part_id": part_id, "code": code, "storage_location": "QA cabinet 2",
                    "noted_by": "lee", "condition": "new, no marks"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    /// Opens a draft revision; returns the revision view.
    pub async fn create_revision(&self, sample: &str) -> Reply {
        let reply = self
            .post(
                &format!("/api/v1/golden-samples/{sample}/revisions"),
                json!({"description": "test revision", "revalidation_due": "2099-01-31"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply
    }

    pub async fn approve(&self, sample: &str, revision: &str) -> Reply {
        self.post(
            &format!("/api/v1/golden-samples/{sample}/revisions/{revision}/approval"),
            json!({"approver": "sato", "comment": "matches drawing"}),
        )
        .await
    }

    /// Posts a multipart body to `uri`.
    pub async fn upload(&self, uri: &str, body: Vec<u8>) -> Reply {
        self.send(
            TestRequest::default()
                .method(Method::POST)
                .uri(uri)
                .insert_header((
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                ))
                .set_payload(body),
        )
        .await
    }
}

/// Counts the rows of a table in the test's database.
pub fn count(db: &crate::support::TestDb, table: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.pool.get().unwrap();
    let rows: Vec<Count> = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .load(&mut conn)
        .unwrap();
    rows[0].n
}
