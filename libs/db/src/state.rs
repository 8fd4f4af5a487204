//! Document states stored typed: one macro declares a state enum with the names it has in the
//! database and in JSON, so rows carry the enum and nothing compares status strings by hand.
//! The moves between states stay in the document's own transition table (docs/architecture.md).

/// Declares a `Copy` enum stored in a `text` column and serialised as the same names:
///
/// ```
/// erp_db::states! {
///     /// A purchase request's state.
///     pub enum RequestStatus: "purchase request" {
///         Draft = "draft",
///         PendingApproval = "pending_approval",
///     }
/// }
/// assert_eq!(RequestStatus::parse("draft").ok(), Some(RequestStatus::Draft));
/// assert_eq!(RequestStatus::PendingApproval.as_str(), "pending_approval");
/// ```
///
/// It gives `ALL`, `as_str`, `parse` (an unknown stored name is an internal error),
/// `parse_field` (a client's filter: 422 on the field, naming the states), `Display`, serde,
/// an OpenAPI schema (a string with the names as its `enum`) and diesel's `Text` mapping
/// (`FromSql`, `ToSql`, `AsExpression`, `Queryable`).
#[macro_export]
macro_rules! states {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::diesel::AsExpression, ::diesel::FromSqlRow)]
        #[diesel(sql_type = ::diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and JSON) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// A stored name back to the state; an unknown one is an internal error.
            pub fn parse(s: &str) -> ::std::result::Result<Self, $crate::__reexport::erp_problem::AppError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::__reexport::erp_problem::AppError::internal(format!(
                        "unknown {} state {other}", $what
                    ))),
                }
            }

            /// A client's filter value: unknown names are a 422 on `field`.
            pub fn parse_field(field: &str, s: &str) -> ::std::result::Result<Self, $crate::__reexport::erp_problem::AppError> {
                Self::parse(s.trim()).map_err(|_| {
                    let names: ::std::vec::Vec<&str> = Self::ALL.iter().map(|x| x.as_str()).collect();
                    $crate::__reexport::erp_problem::AppError::validation(field, format!("must be one of {}", names.join(", ")))
                })
            }
        }

        impl $crate::__reexport::utoipa::PartialSchema for $name {
            fn schema() -> $crate::__reexport::utoipa::openapi::RefOr<$crate::__reexport::utoipa::openapi::schema::Schema> {
                use $crate::__reexport::utoipa::openapi::schema::{ObjectBuilder, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl $crate::__reexport::utoipa::ToSchema for $name {}

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__reexport::serde::Serialize for $name {
            fn serialize<S: $crate::__reexport::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__reexport::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__reexport::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as $crate::__reexport::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(|_| <D::Error as $crate::__reexport::serde::de::Error>::custom(format!(
                    "unknown {} state {s}", $what
                )))
            }
        }

        impl ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                <str as ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn from_sql(bytes: ::diesel::pg::PgValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let s = <String as ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg>>::from_sql(bytes)?;
                Self::parse(&s).map_err(|e| e.to_string().into())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::states! {
        /// A test document's state.
        pub enum Sample: "sample" {
            Draft = "draft",
            PendingApproval = "pending_approval",
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Sample::ALL {
            assert_eq!(Sample::parse(s.as_str()).ok(), Some(*s));
        }
        assert!(Sample::parse("Draft").is_err());
        let e = Sample::parse_field("status", "nope").err().map(|e| e.to_problem());
        assert_eq!(e.map(|p| p.status), Some(422));
        assert_eq!(
            serde_json::to_string(&Sample::PendingApproval).ok().as_deref(),
            Some("\"pending_approval\"")
        );
        assert_eq!(serde_json::from_str::<Sample>("\"draft\"").ok(), Some(Sample::Draft));
    }
}
