//! Files only their owner may read: the pseudonym key and the re-identification
//! map. Written whole or not at all, with mode 0600, never over an existing
//! file; read only when no one but the owner can read or change them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a private file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum PrivateFileError {
    /// The file exists already; tryg never overwrites a key or a map.
    #[error("{} exists already; tryg never overwrites it: choose another name", .0.display())]
    Exists(PathBuf),
    /// Others (group or everyone) have some permission on the file.
    #[error(
        "{path} can be read or changed by others (mode {mode:04o}): it holds the way back to the CPR numbers; run `chmod 600 {path}` and try again",
        path = .path.display()
    )]
    Shared {
        /// The file, as given.
        path: PathBuf,
        /// Its permission bits (`0o777` mask).
        mode: u32,
    },
    /// Not a regular file (a folder, a device).
    #[error("{} is not a file", .0.display())]
    NotAFile(PathBuf),
    /// Reading or writing failed.
    #[error("cannot {action} {}", .path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file, as given.
        path: PathBuf,
        /// The system's reason.
        #[source]
        error: io::Error,
    },
}

/// A private file prepared beside its target and not yet in place: [`Staged::commit`]
/// puts it there, dropping it leaves nothing behind.
pub struct Staged {
    file: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Moves the file to its name, unless a file of that name has appeared
    /// meanwhile (no overwrite, even in a race).
    pub fn commit(self) -> Result<(), PrivateFileError> {
        let path = self.path;
        self.file.persist_noclobber(&path).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                PrivateFileError::Exists(path.clone())
            } else {
                PrivateFileError::Io {
                    action: "write",
                    path: path.clone(),
                    error: e.error,
                }
            }
        })?;
        Ok(())
    }
}

/// Writes `bytes` to a new owner-only (0600) file beside `path`, ready to be
/// put in place with [`Staged::commit`]. Refuses when `path` exists.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, PrivateFileError> {
    if path.symlink_metadata().is_ok() {
        return Err(PrivateFileError::Exists(path.to_path_buf()));
    }
    let failed = |error| PrivateFileError::Io {
        action: "write",
        path: path.to_path_buf(),
        error,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // tempfile creates the file with mode 0600 on Unix; it is set again below
    // so the guarantee does not rest on a library default.
    let mut file = tempfile::Builder::new()
        .prefix(".tryg-")
        .tempfile_in(dir)
        .map_err(failed)?;
    restrict(file.as_file()).map_err(failed)?;
    file.write_all(bytes).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    Ok(Staged {
        file,
        path: path.to_path_buf(),
    })
}

/// Writes a new owner-only file, whole or not at all; refuses to overwrite.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), PrivateFileError> {
    stage(path, bytes)?.commit()
}

/// Reads a private file, refusing it when others have any permission on it.
pub fn read(path: &Path) -> Result<Vec<u8>, PrivateFileError> {
    let failed = |error| PrivateFileError::Io {
        action: "read",
        path: path.to_path_buf(),
        error,
    };
    let metadata = std::fs::metadata(path).map_err(failed)?;
    if !metadata.is_file() {
        return Err(PrivateFileError::NotAFile(path.to_path_buf()));
    }
    check_private(path, &metadata)?;
    std::fs::read(path).map_err(failed)
}

#[cfg(unix)]
fn restrict(file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_file: &std::fs::File) -> io::Result<()> {
    // Elsewhere the file inherits its folder's access list.
    Ok(())
}

#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), PrivateFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    // Any group or other bit: readable leaks the key, writable lets someone
    // swap it for theirs.
    if mode & 0o077 != 0 {
        return Err(PrivateFileError::Shared {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), PrivateFileError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn written_owner_only_and_never_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        write_new(&path, b"one").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert!(matches!(
            write_new(&path, b"two"),
            Err(PrivateFileError::Exists(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(read(&path).unwrap(), b"one");
        // Only the file itself is left: no temporary file beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refused_when_others_have_any_permission() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        write_new(&path, b"k").unwrap();
        for bits in [0o640, 0o604, 0o620, 0o602, 0o644, 0o666] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(bits)).unwrap();
            let e = read(&path).unwrap_err();
            assert!(
                matches!(e, PrivateFileError::Shared { mode, .. } if mode == bits),
                "{bits:o}"
            );
            assert!(e.to_string().contains("chmod 600"), "{e}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(read(&path).unwrap(), b"k");
    }

    #[test]
    fn a_staged_file_dropped_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let staged = stage(&dir.path().join("map"), b"m").unwrap();
        drop(staged);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
