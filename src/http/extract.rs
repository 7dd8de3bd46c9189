//! Extractors that name the offending field when a request cannot be read.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body deserialized with the path of the first bad field kept: malformed JSON is
/// a 400, a well-formed body with a wrong type, an unknown or a missing field is a 422
/// naming the field. The size limit is the app's `web::PayloadConfig` (413 above it).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::unsupported_media_type(
                    "the body must be JSON with Content-Type: application/json",
                )
                .into());
            }
            let bytes = bytes.await?;
            parse_json(&bytes).map(JsonBody).map_err(Into::into)
        })
    }
}

/// Deserializes JSON, turning a failure into a problem that names the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_escaped_nul(bytes) {
        // PostgreSQL text cannot hold NUL; refuse it here rather than fail on insert.
        return Err(ApiError::invalid_field(
            "body",
            "text must not contain the NUL character (\\u0000)",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let err = match serde_path_to_error::deserialize(de) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    // JSON has one number type: 4.0 is the integer 4 (JSON Schema says so too), but serde
    // wants an integer token for an integer field. Only a failed body pays for this retry.
    let retried = (err.inner().classify() == serde_json::error::Category::Data)
        .then(|| serde_json::from_slice::<serde_json::Value>(bytes).ok())
        .flatten()
        .map(|mut value| {
            integral_floats_as_integers(&mut value);
            serde_path_to_error::deserialize(value)
        });
    let err = match retried {
        Some(Ok(value)) => return Ok(value),
        Some(Err(err)) => err,
        None => err,
    };
    let field = field_name(err.path());
    let inner = err.into_inner();
    let message = strip_position(&inner.to_string());
    Err(match inner.classify() {
        serde_json::error::Category::Data => {
            let field = match (field, missing_field(&message)) {
                (Some(object), Some(missing)) => Some(format!("{object}.{missing}")),
                (None, Some(missing)) => Some(missing.to_string()),
                (field, None) => field,
            };
            ApiError::invalid_field(field.unwrap_or_else(|| "body".into()), message)
        }
        _ => ApiError::malformed(format!("the body is not valid JSON: {inner}"), field),
    })
}

/// Replaces every float with no fractional part that fits an `i64` by that integer.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Query parameters deserialized with the name of the bad parameter kept (422).
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string().as_bytes();
        if query.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
            let err = ApiError::invalid_field(
                "query",
                "parameters must not contain the NUL character (%00)",
            );
            return std::future::ready(Err(err.into()));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        let result = serde_path_to_error::deserialize(de)
            .map(QueryParams)
            .map_err(|err| {
                let field = field_name(err.path()).unwrap_or_else(|| "query".into());
                ApiError::invalid_field(field, err.into_inner()).into()
            });
        std::future::ready(result)
    }
}

fn form_urlencoded_parse(query: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query)
}

/// Whether the JSON text holds a `\u0000` escape (one not itself escaped as `\\u0000`).
fn has_escaped_nul(bytes: &[u8]) -> bool {
    bytes.windows(6).enumerate().any(|(i, w)| {
        w[0] == b'\\' && w[1] == b'u' && &w[2..] == b"0000" && {
            let backslashes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
            backslashes % 2 == 0
        }
    })
}

/// `units[0].measurements[1].value` for a serde path; `None` at the top level.
fn field_name(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != ".").then(|| text.replace(".[", "["))
}

/// serde names a missing field only in its message ("missing field `reason`"); the path
/// points at the object that lacks it.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// serde_json appends "at line 1 column 42"; the field name says more to a client.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Unit {
        unit: i32,
        values: Vec<f64>,
    }

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        units: Vec<Unit>,
    }

    #[test]
    fn a_wrong_type_deep_in_the_body_names_its_path() {
        let err = parse_json::<Body>(br#"{"units":[{"unit":1,"values":[1.0,"x"]}]}"#).unwrap_err();
        let problem = err.problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "units[0].values[1]");
    }

    #[test]
    fn a_missing_field_is_named_with_its_path() {
        let top = parse_json::<Body>(br#"{}"#).unwrap_err().problem();
        let deep = parse_json::<Body>(br#"{"units":[{"unit":1}]}"#)
            .unwrap_err()
            .problem();
        assert_eq!((top.status, top.errors[0].field.as_str()), (422, "units"));
        assert_eq!(deep.errors[0].field, "units[0].values");
    }

    #[test]
    fn an_unknown_field_is_named() {
        let err = parse_json::<Body>(br#"{"units":[{"unit":1,"values":[],"colour":"red"}]}"#)
            .unwrap_err();
        let problem = err.problem();
        assert_eq!(problem.status, 422);
        assert!(problem.errors[0].message.contains("colour"), "{problem:?}");
    }

    #[test]
    fn a_nul_character_in_text_is_refused_but_an_escaped_backslash_u_is_not() {
        #[derive(Debug, Deserialize)]
        struct Named {
            #[allow(dead_code)]
            name: String,
        }
        assert!(parse_json::<Named>(br#"{"name":"A\u0000B"}"#).is_err());
        assert!(parse_json::<Named>(br#"{"name":"A\\u0000B"}"#).is_ok());
    }

    #[test]
    fn an_integral_float_is_an_integer_and_a_fraction_is_not() {
        let whole = parse_json::<Body>(br#"{"units":[{"unit":4.0,"values":[1.5]}]}"#).unwrap();
        let half = parse_json::<Body>(br#"{"units":[{"unit":4.5,"values":[]}]}"#).unwrap_err();
        assert_eq!(whole.units[0].unit, 4);
        assert_eq!(half.problem().errors[0].field, "units[0].unit");
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let err = parse_json::<Body>(br#"{"units":[{"unit":1,"#).unwrap_err();
        assert_eq!(err.problem().status, 400);
    }

    #[test]
    fn a_number_too_large_for_a_double_is_refused() {
        let err = parse_json::<Body>(br#"{"units":[{"unit":1,"values":[1e999]}]}"#).unwrap_err();
        assert!(matches!(err.problem().status, 400 | 422));
    }
}
