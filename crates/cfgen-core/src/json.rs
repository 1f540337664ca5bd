//! `json!`: serde_json's macro of the same name and syntax, with one difference: the values it
//! embeds are moved in ([`IntoJson`]) instead of serialized by reference.
//!
//! serde_json's `json!({"Properties": props})` runs `to_value(&props)`: serde's serializer walks
//! `props` and builds a copy of it, node by node, and the caller then frees the original. The
//! compile passes build every resource that way, so a build made about 7 % of its allocations
//! (and as many frees) copying values it already owned. Here `props` is moved; a reference
//! (`&props`, `&s`) is cloned, so a caller that keeps using a value says so.
//!
//! What may be embedded: `Value` and `&Value`, `Map<String, Value>`, strings (`String`, `&str`
//! and references to them), `bool`, the integer and float types, and `Vec`, arrays and `Option` of
//! those (the conversions the compile passes use; add one where a new call site needs it);
//! anything else is converted by its own `to_json` first. Keys are any expression that turns
//! `.into()` a `String`.

use serde_json::{Map, Value};

/// Builds a [`Value`] from JSON syntax; see the module's documentation.
macro_rules! json {
    (null) => {
        ::serde_json::Value::Null
    };
    (true) => {
        ::serde_json::Value::Bool(true)
    };
    (false) => {
        ::serde_json::Value::Bool(false)
    };
    ([]) => {
        ::serde_json::Value::Array(::std::vec::Vec::new())
    };
    ([ $($tt:tt)+ ]) => {
        ::serde_json::Value::Array($crate::json::json_array!([] $($tt)+))
    };
    ({}) => {
        ::serde_json::Value::Object(::serde_json::Map::new())
    };
    ({ $($tt:tt)+ }) => {{
        let mut object = ::serde_json::Map::new();
        $crate::json::json_object!(object () $($tt)+);
        ::serde_json::Value::Object(object)
    }};
    ($other:expr) => {
        $crate::json::IntoJson::into_json($other)
    };
}

/// The elements of a `json!` array, collected into `[done,]` one at a time: literal JSON
/// (`null`, `true`, `false`, `[...]`, `{...}`) first, as serde_json does, since `[...]` and
/// `{...}` would also parse as Rust expressions.
macro_rules! json_array {
    ([$($done:expr,)*]) => {
        vec![$($done,)*]
    };
    ([$($done:expr,)*] null $(, $($rest:tt)*)?) => {
        $crate::json::json_array!([$($done,)* ::serde_json::Value::Null,] $($($rest)*)?)
    };
    ([$($done:expr,)*] true $(, $($rest:tt)*)?) => {
        $crate::json::json_array!([$($done,)* ::serde_json::Value::Bool(true),] $($($rest)*)?)
    };
    ([$($done:expr,)*] false $(, $($rest:tt)*)?) => {
        $crate::json::json_array!([$($done,)* ::serde_json::Value::Bool(false),] $($($rest)*)?)
    };
    ([$($done:expr,)*] [$($array:tt)*] $(, $($rest:tt)*)?) => {
        $crate::json::json_array!([$($done,)* $crate::json::json!([$($array)*]),] $($($rest)*)?)
    };
    ([$($done:expr,)*] {$($object:tt)*} $(, $($rest:tt)*)?) => {
        $crate::json::json_array!([$($done,)* $crate::json::json!({$($object)*}),] $($($rest)*)?)
    };
    ([$($done:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::json::json_array!([$($done,)* $crate::json::json!($next),] $($rest)*)
    };
    ([$($done:expr,)*] $last:expr) => {
        $crate::json::json_array!([$($done,)* $crate::json::json!($last),])
    };
}

/// The entries of a `json!` object, inserted into `$object` in order: the key's tokens are
/// gathered up to its `:`, then the value is literal JSON or one expression.
macro_rules! json_object {
    ($object:ident ()) => {};
    ($object:ident ($($key:tt)+) : null $(, $($rest:tt)*)?) => {
        $object.insert(($($key)+).into(), ::serde_json::Value::Null);
        $crate::json::json_object!($object () $($($rest)*)?);
    };
    ($object:ident ($($key:tt)+) : true $(, $($rest:tt)*)?) => {
        $object.insert(($($key)+).into(), ::serde_json::Value::Bool(true));
        $crate::json::json_object!($object () $($($rest)*)?);
    };
    ($object:ident ($($key:tt)+) : false $(, $($rest:tt)*)?) => {
        $object.insert(($($key)+).into(), ::serde_json::Value::Bool(false));
        $crate::json::json_object!($object () $($($rest)*)?);
    };
    ($object:ident ($($key:tt)+) : [$($array:tt)*] $(, $($rest:tt)*)?) => {
        $object.insert(($($key)+).into(), $crate::json::json!([$($array)*]));
        $crate::json::json_object!($object () $($($rest)*)?);
    };
    ($object:ident ($($key:tt)+) : {$($inner:tt)*} $(, $($rest:tt)*)?) => {
        $object.insert(($($key)+).into(), $crate::json::json!({$($inner)*}));
        $crate::json::json_object!($object () $($($rest)*)?);
    };
    ($object:ident ($($key:tt)+) : $value:expr, $($rest:tt)*) => {
        $object.insert(($($key)+).into(), $crate::json::json!($value));
        $crate::json::json_object!($object () $($rest)*);
    };
    ($object:ident ($($key:tt)+) : $value:expr) => {
        $object.insert(($($key)+).into(), $crate::json::json!($value));
    };
    ($object:ident ($($key:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json::json_object!($object ($($key)* $next) $($rest)*);
    };
}

pub(crate) use {json, json_array, json_object};

/// A value `json!` can embed: owned values are moved in, borrowed ones cloned.
pub trait IntoJson {
    fn into_json(self) -> Value;
}

/// `impl IntoJson for <type>` from a conversion of `self`.
macro_rules! into_json {
    ($($t:ty => |$x:ident| $e:expr;)*) => {$(
        impl IntoJson for $t {
            fn into_json(self) -> Value {
                let $x = self;
                $e
            }
        }
    )*};
}

into_json! {
    Value => |v| v;
    &Value => |v| v.clone();
    Map<String, Value> => |m| Value::Object(m);
    String => |s| Value::String(s);
    &String => |s| Value::String(s.clone());
    &mut String => |s| Value::String(s.clone());
    &str => |s| Value::String(s.to_string());
    &&str => |s| Value::String((*s).to_string());
    bool => |b| Value::Bool(b);
}

/// The numbers, by value and by reference, as serde_json's `From` makes them.
macro_rules! numbers {
    ($($t:ty),*) => {$(
        into_json! {
            $t => |n| Value::from(n);
            &$t => |n| Value::from(*n);
        }
    )*};
}

numbers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);

impl<T: IntoJson> IntoJson for Option<T> {
    fn into_json(self) -> Value {
        self.map_or(Value::Null, IntoJson::into_json)
    }
}

impl<'a, T> IntoJson for &'a Option<T>
where
    &'a T: IntoJson,
{
    fn into_json(self) -> Value {
        self.as_ref().map_or(Value::Null, IntoJson::into_json)
    }
}

impl<T: IntoJson> IntoJson for Vec<T> {
    fn into_json(self) -> Value {
        Value::Array(self.into_iter().map(IntoJson::into_json).collect())
    }
}

impl<'a, T> IntoJson for &'a Vec<T>
where
    &'a T: IntoJson,
{
    fn into_json(self) -> Value {
        Value::Array(self.iter().map(IntoJson::into_json).collect())
    }
}

impl<T, const N: usize> IntoJson for [T; N]
where
    T: IntoJson,
{
    fn into_json(self) -> Value {
        Value::Array(self.into_iter().map(IntoJson::into_json).collect())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    /// The same values as serde_json's macro, for every form the syntax has: literals,
    /// nested objects and arrays, trailing commas, computed keys, moved and borrowed values.
    #[test]
    fn builds_what_serde_json_builds() {
        let props: Map<String, Value> = [("A".to_string(), Value::from(1))].into_iter().collect();
        let name = String::from("n");
        let list = vec![Value::from("x"), Value::Null];
        let key = |s: &str| format!("K{s}");
        let ours = json!({
            "Type": "AWS::X",
            "Properties": props.clone(),
            "Name": &name,
            "Ref": {"Ref": name.clone()},
            "List": [1, "two", null, true, false, [], {}, [3, [4]], {"a": {"b": [5,],},},],
            "Moved": list.clone(),
            "Borrowed": &list,
            key("k"): 2.5,
            "Opt": Some(7u8),
            "None": Option::<String>::None,
            "Neg": -1,
            "Expr": 1 + 2,
        });
        let theirs = serde_json::json!({
            "Type": "AWS::X",
            "Properties": props,
            "Name": &name,
            "Ref": {"Ref": name},
            "List": [1, "two", null, true, false, [], {}, [3, [4]], {"a": {"b": [5,],},},],
            "Moved": list,
            "Borrowed": [Value::from("x"), Value::Null],
            key("k"): 2.5,
            "Opt": Some(7u8),
            "None": Option::<String>::None,
            "Neg": -1,
            "Expr": 1 + 2,
        });
        assert_eq!(ours, theirs);
        assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap(), "same key order");
        assert_eq!(json!(null), Value::Null);
        assert_eq!(json!([]), serde_json::json!([]));
        assert_eq!(json!("s"), serde_json::json!("s"));
        assert_eq!(json!([1, 2]), serde_json::json!([1, 2]));
    }
}
