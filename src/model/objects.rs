//! A deserializer over `&serde_json::Value` that reads structs from JSON objects only.
//!
//! serde_json's own `&Value` deserializer also accepts a struct written as an array of its
//! fields in order, so every derived struct is compiled twice into the .wasm (from a map and
//! from a sequence). The contract writes structs as objects, always. Everything else reads as
//! serde_json reads it, with its error type and messages (a test compares the two on every
//! fixture).

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Value};

/// Reads a value of the contract; see the module's doc.
#[derive(Clone, Copy)]
pub struct Objects<'de>(pub &'de Value);

/// What the value is, for error messages (as serde_json says it).
fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => de::Unexpected::Unsigned(u),
            (_, Some(i)) => de::Unexpected::Signed(i),
            _ => de::Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: &'de [Value], visitor: V) -> Result<V::Value, Error> {
    let mut seq = Items(items.iter());
    let value = visitor.visit_seq(&mut seq)?;
    match seq.0.len() {
        0 => Ok(value),
        _ => Err(de::Error::invalid_length(items.len(), &"fewer elements in array")),
    }
}

fn visit_object<'de, V: Visitor<'de>>(map: &'de serde_json::Map<String, Value>, visitor: V) -> Result<V::Value, Error> {
    let mut access = Entries { iter: map.iter(), value: None };
    let value = visitor.visit_map(&mut access)?;
    match access.iter.len() {
        0 => Ok(value),
        _ => Err(de::Error::invalid_length(map.len(), &"fewer elements in map")),
    }
}

impl<'de> Deserializer<'de> for Objects<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => n.deserialize_any(visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(Variant { name: s, value: None }),
            Value::Object(map) if map.len() == 1 => {
                let (name, value) = map.iter().next().expect("one entry");
                visitor.visit_enum(Variant { name, value: Some(value) })
            }
            Value::Object(_) => Err(de::Error::invalid_value(de::Unexpected::Map, &"map with a single key")),
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Items<'de>(std::slice::Iter<'de, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Objects(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        self.value = Some(value);
        // The contract's maps are keyed by strings (or unit enums, which serde reads from one).
        seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("value is missing"))?;
        seed.deserialize(Objects(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An enum's variant: its name, and its content when written as `{"name": content}`.
struct Variant<'de> {
    name: &'de str,
    value: Option<&'de Value>,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = Content<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant), Error> {
        let name = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(self.name))?;
        Ok((name, Content(self.value)))
    }
}

/// A variant's content (`None`: the variant was written as a string).
struct Content<'de>(Option<&'de Value>);

impl<'de> VariantAccess<'de> for Content<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.0 {
            Some(value) => seed.deserialize(Objects(value)),
            None => Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"newtype variant")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value::Array(items)) => visit_array(items, visitor),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"tuple variant")),
            None => Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value::Object(map)) => visit_object(map, visitor),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"struct variant")),
            None => Err(de::Error::invalid_type(de::Unexpected::UnitVariant, &"struct variant")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calllog::Entry;
    use crate::extract::Profile;
    use crate::model::{Config, Snapshot};
    use serde::de::DeserializeOwned;
    use serde_json::json;
    use std::fmt::Debug;

    /// serde_json's `&Value` and `Objects` read `v` the same: the same value, or the same error.
    fn same<T: DeserializeOwned + PartialEq + Debug>(v: &Value, what: &str) {
        let theirs = T::deserialize(v).map_err(|e| e.to_string());
        let ours = T::deserialize(Objects(v)).map_err(|e| e.to_string());
        if ours.as_ref().is_err_and(|e| e.starts_with("invalid type: sequence, expected struct")) {
            return; // a struct written as an array: serde_json reads its fields in order; not the contract
        }
        assert_eq!(ours, theirs, "{what}: {v}");
    }

    /// Every node of `v` replaced in turn by a value of each other kind (an object is not
    /// replaced by an array: that is the one thing `Objects` reads differently, on purpose).
    fn mutations(v: &Value) -> Vec<Value> {
        let wrong = [json!(null), json!(true), json!(7), json!(-7), json!(1.5), json!("x"), json!([]), json!({})];
        let mut out = Vec::new();
        let mut paths: Vec<Vec<Value>> = vec![vec![]];
        while let Some(path) = paths.pop() {
            let node = path.iter().fold(v, |cur, seg| match seg {
                Value::String(k) => &cur[k.as_str()],
                _ => &cur[seg.as_u64().unwrap() as usize],
            });
            match node {
                Value::Object(m) => paths.extend(m.keys().map(|k| [path.clone(), vec![json!(k)]].concat())),
                Value::Array(a) => paths.extend((0..a.len().min(2)).map(|i| [path.clone(), vec![json!(i)]].concat())),
                _ => {}
            }
            for w in &wrong {
                if (node.is_object() && w.is_array()) || node == w {
                    continue;
                }
                let mut copy = v.clone();
                let slot = path.iter().fold(&mut copy, |cur, seg| match seg {
                    Value::String(k) => &mut cur[k.as_str()],
                    _ => &mut cur[seg.as_u64().unwrap() as usize],
                });
                *slot = w.clone();
                out.push(copy);
            }
        }
        out
    }

    fn json_files(dir: &std::path::Path, name: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                json_files(&path, name, out);
            } else if path.file_name().is_some_and(|n| n == name) {
                out.push(path);
            }
        }
    }

    #[test]
    fn reads_every_fixture_and_every_wrong_value_as_serde_json_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read =
            |p: &std::path::Path| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
        let mut snapshots = Vec::new();
        json_files(&root.join("tests/fixtures"), "snapshot.json", &mut snapshots);
        snapshots.sort();
        assert!(snapshots.len() > 100, "{}", snapshots.len());
        for (i, path) in snapshots.iter().enumerate() {
            let v = read(path);
            same::<Snapshot>(&v, &path.display().to_string());
            if i % 10 == 0 {
                for m in mutations(&v) {
                    same::<Snapshot>(&m, &path.display().to_string());
                }
            }
        }
        let mut configs = Vec::new();
        json_files(&root.join("tests/fixtures"), "config.json", &mut configs);
        for path in &configs {
            let v = read(path);
            same::<Config>(&v, &path.display().to_string());
            mutations(&v).iter().for_each(|m| same::<Config>(m, &path.display().to_string()));
        }
        for (name, text) in crate::extract::BUILTIN_PROFILE_SOURCES {
            let v: Value = serde_json::from_str(text).unwrap();
            same::<Profile>(&v, name);
            mutations(&v).iter().take(3000).for_each(|m| same::<Profile>(m, name));
        }
        let entry = json!({
            "id": "a1", "origin": "http://127.0.0.1", "patient": "1001", "at": "2026-11-23T10:00:00+03:00",
            "channel": "call", "purpose": "invite", "outcome": "no_answer", "rev": 2,
            "override": {"reason": "asked", "blocked": ["cooldown"]},
        });
        same::<Entry>(&entry, "entry");
        mutations(&entry).iter().for_each(|m| same::<Entry>(m, "entry"));
    }
}
