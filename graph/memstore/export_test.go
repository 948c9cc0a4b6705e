package memstore

// SetBeforeRename installs f as the hook that runs between writing the
// temporary file and renaming it over the store file, and returns a
// function that restores the previous hook.
func SetBeforeRename(f func(tmp string) error) (restore func()) {
	old := beforeRename
	beforeRename = f
	return func() { beforeRename = old }
}

// Save writes s's current content to path as Open reads it.
func Save(s *Store, path string) error { return save(path, s.cur.Load()) }
