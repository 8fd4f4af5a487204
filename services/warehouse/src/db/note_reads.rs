//! The reads inbound and outbound notes share (the same queries over two pairs of tables):
//! `find`, `lock`, `find_by_source`, `lines` and `list`, generated once for each.

/// Generates the shared reads of a note type in the calling module, which imports its tables,
/// row types and `NoteFilter`.
macro_rules! note_reads {
    ($notes:ident, $lines:ident, $Note:ident, $Line:ident, $Status:ident) => {
        pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<$Note>, AppError> {
            Ok($notes::table
                .find(id)
                .select($Note::as_select())
                .first(conn)
                .optional()?)
        }

        /// The note, locked for the rest of the transaction.
        pub fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<$Note>, AppError> {
            Ok($notes::table
                .find(id)
                .select($Note::as_select())
                .for_update()
                .first(conn)
                .optional()?)
        }

        /// The note made for a source document, if any.
        pub fn find_by_source(conn: &mut PgConnection, source: &SourceRef) -> Result<Option<$Note>, AppError> {
            Ok($notes::table
                .filter($notes::source_kind.eq(&source.kind))
                .filter($notes::source_id.eq(source.id))
                .select($Note::as_select())
                .first(conn)
                .optional()?)
        }

        pub fn lines(conn: &mut PgConnection, note_id: Uuid) -> Result<Vec<$Line>, AppError> {
            Ok($lines::table
                .filter($lines::note_id.eq(note_id))
                .order($lines::line_no)
                .select($Line::as_select())
                .load(conn)?)
        }

        /// Up to `fetch` notes in id order after `cursor`.
        pub fn list(
            conn: &mut PgConnection,
            filter: &NoteFilter<$Status>,
            fetch: i64,
            cursor: Option<Uuid>,
        ) -> Result<Vec<$Note>, AppError> {
            let mut sql = $notes::table
                .select($Note::as_select())
                .order($notes::id)
                .limit(fetch)
                .into_boxed();
            if let Some(s) = filter.status {
                sql = sql.filter($notes::status.eq(s));
            }
            if let Some(w) = filter.warehouse_id {
                sql = sql.filter($notes::warehouse_id.eq(w));
            }
            if let Some(id) = filter.source_id {
                sql = sql.filter($notes::source_id.eq(id));
            }
            if let Some(number) = &filter.source_number {
                sql = sql.filter($notes::source_number.eq(number.clone()));
            }
            if let Some(after) = cursor {
                sql = sql.filter($notes::id.gt(after));
            }
            Ok(sql.load(conn)?)
        }
    };
}

pub(crate) use note_reads;
