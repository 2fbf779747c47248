//! What a course instance says about when, where and how it runs, and a learning
//! resource's level, audience and type, as short searchable text.

use serde_json::{Map, Value};

use super::agents;
use super::json::{many, text};
use super::schema::language;
use super::text::iso_date;

/// A course instance's heading: its name, else "Course instance" and its start.
pub fn heading(instance: &Map<String, Value>) -> String {
    text(instance.get("name")).unwrap_or_else(|| {
        match text(instance.get("startDate")).and_then(|d| iso_date(&d)) {
            Some(start) => format!("Course instance {start}"),
            None => "Course instance".to_string(),
        }
    })
}

/// One line per fact: name, dates, mode, location, people, language, capacity, price.
pub fn schedule(instance: &Map<String, Value>) -> String {
    let mut lines = Vec::new();
    if let Some(name) = text(instance.get("name")) {
        lines.push(name);
    }
    let date = |key: &str| text(instance.get(key)).map(|d| iso_date(&d).unwrap_or(d));
    match (date("startDate"), date("endDate")) {
        (Some(start), Some(end)) if start == end => lines.push(format!("Date: {start}")),
        (Some(start), Some(end)) => lines.push(format!("Dates: {start} to {end}")),
        (Some(start), None) => lines.push(format!("Starts: {start}")),
        (None, Some(end)) => lines.push(format!("Ends: {end}")),
        (None, None) => {}
    }
    let modes = strings(instance.get("courseMode"));
    if !modes.is_empty() {
        lines.push(format!("Mode: {}", modes.join(", ")));
    }
    let places: Vec<String> = many(instance.get("location"))
        .into_iter()
        .filter_map(place)
        .collect();
    if !places.is_empty() {
        lines.push(format!("Location: {}", places.join("; ")));
    }
    for (key, label) in [("instructor", "Instructors"), ("organizer", "Organisers")] {
        let names = agents::names(instance.get(key));
        if !names.is_empty() {
            lines.push(format!("{label}: {}", names.join(", ")));
        }
    }
    if let Some(language) = language(instance.get("inLanguage")) {
        lines.push(format!("Language: {language}"));
    }
    if let Some(capacity) = text(instance.get("maximumAttendeeCapacity")) {
        lines.push(format!("Capacity: {capacity}"));
    }
    for offer in many(instance.get("offers")) {
        if let Some(map) = offer.as_object()
            && let Some(price) = text(map.get("price"))
        {
            let currency = text(map.get("priceCurrency")).unwrap_or_default();
            lines.push(format!("Price: {price} {currency}").trim_end().to_string());
        }
    }
    if let Some(url) = text(instance.get("url")) {
        lines.push(format!("URL: {url}"));
    }
    lines.join("\n")
}

/// A `Place`/`VirtualLocation` (or a plain string): its name, address and URL.
fn place(value: &Value) -> Option<String> {
    let map = match value {
        Value::Object(map) => map,
        other => return text(Some(other)),
    };
    let mut parts: Vec<String> = Vec::new();
    parts.extend(text(map.get("name")));
    match map.get("address") {
        Some(Value::Object(address)) => {
            for key in [
                "streetAddress",
                "addressLocality",
                "addressRegion",
                "postalCode",
                "addressCountry",
            ] {
                let part = address.get(key).and_then(|v| {
                    text(Some(v)).or_else(|| v.as_object().and_then(|m| text(m.get("name"))))
                });
                parts.extend(part);
            }
        }
        other => parts.extend(text(other)),
    }
    parts.extend(text(map.get("url")));
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Level, audience, resource type, time required and prerequisites of a resource.
pub fn details(node: &Map<String, Value>) -> String {
    let mut lines = Vec::new();
    for (key, label) in [
        ("educationalLevel", "Level"),
        ("learningResourceType", "Resource type"),
        ("timeRequired", "Time required"),
    ] {
        let values = strings(node.get(key));
        if !values.is_empty() {
            lines.push(format!("{label}: {}", values.join(", ")));
        }
    }
    let audiences: Vec<String> = many(node.get("audience"))
        .into_iter()
        .filter_map(|a| match a {
            Value::Object(map) => text(map.get("educationalRole"))
                .or_else(|| text(map.get("audienceType")))
                .or_else(|| text(map.get("name"))),
            other => text(Some(other)),
        })
        .collect();
    if !audiences.is_empty() {
        lines.push(format!("Audience: {}", audiences.join(", ")));
    }
    lines.join("\n")
}

/// Strings of a value or list (DefinedTerm and other nodes by their name).
fn strings(value: Option<&Value>) -> Vec<String> {
    many(value)
        .into_iter()
        .filter_map(|v| text(Some(v)).or_else(|| v.as_object().and_then(|m| text(m.get("name")))))
        .collect()
}
