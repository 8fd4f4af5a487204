//! Visibility in queries: the query form of `domain::visibility::Scope::sees`.

/// Narrows a boxed diesel query to what `scope` sees, by the record's owner and department
/// columns (the query form of [`Scope::sees`](crate::domain::visibility::Scope::sees)).
macro_rules! scoped {
    ($sql:expr, $scope:expr, $owner:expr, $department:expr, $id:expr) => {
        match $scope {
            $crate::domain::visibility::Scope::All => $sql,
            $crate::domain::visibility::Scope::Department {
                department: Some(d),
                me,
            } => $sql.filter($department.eq(d).or($owner.eq(me))),
            $crate::domain::visibility::Scope::Department { department: None, me }
            | $crate::domain::visibility::Scope::Own(me) => $sql.filter($owner.eq(me)),
            $crate::domain::visibility::Scope::Nothing => $sql.filter($id.is_null()),
        }
    };
}
pub(crate) use scoped;
