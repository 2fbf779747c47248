//! `GET /api/docs`: the OpenAPI description as a page, rendered on the server
//! from the very document `/api/openapi.json` serves (no script, nothing
//! fetched): operations grouped by tag, each with its parameters, request body
//! and responses.

use std::fmt::Write;
use std::sync::LazyLock;

use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use super::{Section, shell};
use crate::server::view::escape_html;

/// The page, rendered once (the document never changes while serving).
pub fn api_docs() -> Response {
    static PAGE: LazyLock<String> = LazyLock::new(|| render(crate::server::openapi_document()));
    Html(PAGE.as_str()).into_response()
}

/// Escapes `text` and turns its `code spans` into `<code>`.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, piece) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape_html(piece));
        } else {
            out.push_str(&escape_html(piece));
        }
    }
    out
}

/// The last segment of a `$ref`: `ApiError` of `#/components/schemas/ApiError`.
fn ref_name(value: &Value) -> Option<&str> {
    value["$ref"].as_str().and_then(|r| r.rsplit('/').next())
}

/// A schema in a few words: `integer, 0 to 100, default 10`, `one of: a, b`.
fn schema_words(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape_html(name));
    }
    if let Some(options) = schema["anyOf"].as_array() {
        return options
            .iter()
            .map(schema_words)
            .collect::<Vec<_>>()
            .join(" or ");
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => String::new(),
    };
    let mut words = vec![];
    if kind == "array" {
        let items = schema_words(&schema["items"]);
        words.push(format!("list of {items}"));
    } else if !kind.is_empty() {
        words.push(escape_html(&kind));
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values
            .iter()
            .map(|v| {
                format!(
                    "<code>{}</code>",
                    escape_html(v.as_str().unwrap_or_default())
                )
            })
            .collect();
        words.push(format!("one of {}", values.join(", ")));
    }
    match (schema.get("minimum"), schema.get("maximum")) {
        (Some(min), Some(max)) => words.push(format!("{min} to {max}")),
        (Some(min), None) => words.push(format!("at least {min}")),
        (None, Some(max)) => words.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(max) = schema.get("maxLength") {
        words.push(format!("at most {max} characters"));
    }
    if let Some(max) = schema.get("maxItems") {
        words.push(format!("at most {max} values"));
    }
    if let Some(default) = schema.get("default") {
        let default = match default {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        words.push(format!("default <code>{}</code>", escape_html(&default)));
    }
    if words.is_empty() {
        "any".into()
    } else {
        words.join(", ")
    }
}

/// A response object, following a `$ref` into the components.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(value),
        None => value,
    }
}

fn parameters(out: &mut String, params: &[Value]) {
    if params.is_empty() {
        return;
    }
    out.push_str(
        "<table class=\"api-table\"><thead><tr><th>parameter</th><th>type</th><th>meaning</th></tr></thead><tbody>",
    );
    for p in params {
        let required = if p["required"].as_bool() == Some(true) {
            " <span class=\"required\">required</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{required}<br><span class=\"muted\">{}</span></td><td>{}</td><td>{}{example}</td></tr>",
            escape_html(p["name"].as_str().unwrap_or_default()),
            escape_html(p["in"].as_str().unwrap_or_default()),
            schema_words(&p["schema"]),
            prose(p["description"].as_str().unwrap_or_default()),
            example = p["example"]
                .as_str()
                .map(|e| format!(
                    "<br><span class=\"muted\">e.g.</span> <code>{}</code>",
                    escape_html(e)
                ))
                .unwrap_or_default(),
        );
    }
    out.push_str("</tbody></table>");
}

/// `application/json: ApiError` for each media type of a body.
fn media_list(content: &Value) -> String {
    let Some(content) = content.as_object() else {
        return String::new();
    };
    content
        .iter()
        .map(|(media, v)| {
            let schema = &v["schema"];
            let named = ref_name(schema).is_some() || schema.get("anyOf").is_some();
            if named {
                format!(
                    "<code>{}</code>: {}",
                    escape_html(media),
                    schema_words(schema)
                )
            } else {
                format!("<code>{}</code>", escape_html(media))
            }
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn responses(out: &mut String, doc: &Value, responses: &Value) {
    let Some(responses) = responses.as_object() else {
        return;
    };
    out.push_str(
        "<table class=\"api-table\"><thead><tr><th>status</th><th>body</th><th>meaning</th></tr></thead><tbody>",
    );
    for (status, response) in responses {
        let response = resolve(doc, response);
        let headers: Vec<String> = response["headers"]
            .as_object()
            .map(|h| {
                h.keys()
                    .map(|k| format!("<code>{}</code>", escape_html(k)))
                    .collect()
            })
            .unwrap_or_default();
        let headers = if headers.is_empty() {
            String::new()
        } else {
            format!(
                " <span class=\"muted\">(headers: {})</span>",
                headers.join(", ")
            )
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}{headers}</td></tr>",
            escape_html(status),
            media_list(&response["content"]),
            prose(response["description"].as_str().unwrap_or_default()),
        );
    }
    out.push_str("</tbody></table>");
}

fn operation(out: &mut String, doc: &Value, method: &str, path: &str, op: &Value) {
    let id = op["operationId"].as_str().unwrap_or_default();
    let admin = if op.get("security").is_some() {
        " <span class=\"chip\">admin token</span>"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<section class=\"api-op\" id=\"{id}\"><h3><span class=\"method method-{m}\">{M}</span> <code>{path}</code>{admin}</h3><p>{summary}</p>",
        id = escape_html(id),
        m = escape_html(method),
        M = escape_html(&method.to_ascii_uppercase()),
        path = escape_html(path),
        summary = prose(op["summary"].as_str().unwrap_or_default()),
    );
    if let Some(description) = op["description"].as_str() {
        let _ = write!(out, "<p class=\"muted\">{}</p>", prose(description));
    }
    parameters(
        out,
        op["parameters"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]),
    );
    if let Some(body) = op.get("requestBody") {
        let _ = write!(
            out,
            "<p><strong>Body</strong>: {}</p>",
            media_list(&body["content"])
        );
    }
    responses(out, doc, &op["responses"]);
    out.push_str("</section>");
}

fn render(doc: &Value) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<h1>API</h1><p>{}</p><p>The same description as OpenAPI 3.1: <a href=\"/api/openapi.json\"><code>/api/openapi.json</code></a>.</p>",
        prose(doc["info"]["description"].as_str().unwrap_or_default())
    );
    let tags = doc["tags"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    out.push_str("<nav class=\"api-toc\" aria-label=\"API sections\"><ul>");
    for tag in tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            out,
            "<li><a href=\"#tag-{0}\">{1}</a></li>",
            escape_html(&name.replace(' ', "-")),
            escape_html(name)
        );
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li></ul></nav>");
    let paths = doc["paths"].as_object();
    for tag in tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            out,
            "<h2 id=\"tag-{}\">{}</h2><p>{}</p>",
            escape_html(&name.replace(' ', "-")),
            escape_html(name),
            prose(tag["description"].as_str().unwrap_or_default())
        );
        for (path, item) in paths.into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let tagged = op["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == name));
                if tagged {
                    operation(&mut out, doc, method, path, op);
                }
            }
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(
                out,
                "<section class=\"api-op\" id=\"schema-{0}\"><h3><code>{0}</code></h3>",
                escape_html(name)
            );
            if let Some(description) = schema["description"].as_str() {
                let _ = write!(out, "<p class=\"muted\">{}</p>", prose(description));
            }
            if let Some(properties) = schema["properties"].as_object() {
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                out.push_str("<table class=\"api-table\"><thead><tr><th>field</th><th>type</th><th>meaning</th></tr></thead><tbody>");
                for (field, s) in properties {
                    let mark = if required.contains(&field.as_str()) {
                        " <span class=\"required\">always</span>"
                    } else {
                        ""
                    };
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td></tr>",
                        escape_html(field),
                        schema_words(s),
                        prose(s["description"].as_str().unwrap_or_default())
                    );
                }
                out.push_str("</tbody></table>");
            }
            out.push_str("</section>");
        }
    }
    shell(Section::None, "API · eoskb", "doc api-docs", &out, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_escapes_and_marks_code() {
        assert_eq!(prose("a `<b>` c"), "a <code>&lt;b&gt;</code> c");
        assert_eq!(prose("<i>"), "&lt;i&gt;");
    }

    #[test]
    fn schemas_read_as_words() {
        let s =
            serde_json::json!({ "type": "integer", "minimum": 0, "maximum": 100, "default": 10 });
        assert_eq!(
            schema_words(&s),
            "integer, 0 to 100, default <code>10</code>"
        );
        let e = serde_json::json!({ "type": "string", "enum": ["a", "b"] });
        assert_eq!(
            schema_words(&e),
            "string, one of <code>a</code>, <code>b</code>"
        );
    }
}
