// TouchstoneData: streaming readers, the embedded SQLite store, SQL push-down.
// Files per concept live in CSV/, Store/, SQL/.
