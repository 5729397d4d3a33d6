//! The one safe writer: every file tryg writes (a report with `--out`, an
//! export) goes through [`write_whole`], which writes it whole or not at all
//! and never replaces what is not a plain file of the user's.
//!
//! - The target is refused when it is a device, a FIFO, a socket, a folder or
//!   a symbolic link (`--out /dev/stdout` would otherwise be replaced by a
//!   regular file; stdout is for pipes), or one of the files it must not
//!   overwrite (the input, the rule pack).
//! - The output goes to a temporary file beside the target, named
//!   `.tryg-partial-<pid>-<random>.tmp`, renamed over the target only when
//!   complete and flushed to disk.
//! - The temporary file is removed on any error, and on SIGINT, SIGTERM and
//!   SIGHUP (a handler removes every one in flight, then ends the process
//!   with status 130). A leftover of a killed run (`kill -9`) is recognised by
//!   its name and removed by the next run that writes into that folder, once
//!   its process is gone.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, bail};

/// The prefix of every temporary file tryg writes.
pub const PARTIAL_PREFIX: &str = ".tryg-partial-";

/// Temporary files being written now, removed if a signal ends the process.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What a target must not be: files tryg reads (the inputs), and folders it
/// must not write into (the rule pack's: a report named `x.rhai` there would
/// be a rule file).
#[derive(Debug, Clone, Copy, Default)]
pub struct Protected<'a> {
    /// Files that must not be replaced.
    pub files: &'a [&'a Path],
    /// Folders that must not be written into.
    pub folders: &'a [&'a Path],
}

/// Refuses a target `path` that is not a plain file tryg may replace, before
/// any work: a device, FIFO, socket, folder or symbolic link, a file in a
/// folder that does not exist, or what `protected` names.
///
/// # Errors
/// Says what the target is and why it is refused.
pub fn check_target(path: &Path, protected: Protected) -> anyhow::Result<()> {
    let folder = folder_of(path);
    if !folder.is_dir() {
        bail!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            folder.display()
        );
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let kind = meta.file_type();
        let what = if kind.is_symlink() {
            Some("a symbolic link")
        } else if kind.is_dir() {
            Some("a folder")
        } else if !kind.is_file() {
            Some("a device, pipe or socket (write to stdout instead: leave out --out)")
        } else {
            None
        };
        if let Some(what) = what {
            bail!("cannot write {}: it is {what}", path.display());
        }
    }
    let same = |other: &Path| match (other.canonicalize(), canonical_target(path)) {
        (Ok(a), Some(b)) => a == b,
        _ => false,
    };
    if let Some(folder) = protected.folders.iter().find(|f| is_inside(path, f)) {
        bail!(
            "cannot write {}: it is inside the rule pack's folder {}; write the report elsewhere",
            path.display(),
            folder.display()
        );
    }
    if let Some(p) = protected.files.iter().find(|p| same(p)) {
        bail!(
            "cannot write {}: it would overwrite {}, which tryg reads; choose another name",
            path.display(),
            p.display()
        );
    }
    Ok(())
}

/// Whether `path` lies inside `folder` (the rule pack's folder, say).
pub fn is_inside(path: &Path, folder: &Path) -> bool {
    match (canonical_target(path), folder.canonicalize()) {
        (Some(p), Ok(f)) => p.starts_with(f),
        _ => false,
    }
}

/// Streams `write` into a temporary file beside `path` and renames it over
/// `path` when complete and synced: `path` is written whole or not at all,
/// without holding the output in memory. [`check_target`] first.
///
/// # Errors
/// The target refused, or the file could not be written; nothing is left.
pub fn write_whole(
    path: &Path,
    protected: Protected,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    check_target(path, protected)?;
    let dir = folder_of(path);
    remove_leftovers(dir);
    install_signal_handler();
    let file = tempfile::Builder::new()
        .prefix(&format!("{PARTIAL_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let temp = file.path().to_path_buf();
    in_flight(|files| files.push(temp.clone()));
    let result = (|| {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.as_file()
            .sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        anyhow::Ok(())
    })();
    in_flight(|files| files.retain(|f| *f != temp));
    result
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The target as it will be, for a file that may not exist yet.
fn canonical_target(path: &Path) -> Option<PathBuf> {
    path.canonicalize()
        .ok()
        .or_else(|| Some(folder_of(path).canonicalize().ok()?.join(path.file_name()?)))
}

fn in_flight(f: impl FnOnce(&mut Vec<PathBuf>)) {
    let mut files = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut files);
}

/// Removes the temporary files of runs that were killed before they could
/// (their process is gone).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PARTIAL_PREFIX)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !process_alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process is running (Linux: it has a /proc entry). Elsewhere a
/// leftover is kept: removing a live run's file would be worse.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

fn install_signal_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // If a handler cannot be installed (one already is), the temporary
        // file is still removed on every error, and a leftover by the next run.
        let _ = ctrlc::set_handler(|| {
            in_flight(|files| {
                for f in files.drain(..) {
                    let _ = std::fs::remove_file(f);
                }
            });
            std::process::exit(130);
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        write_whole(&target, Protected::default(), |out| out.write_all(b"hello")).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
        let failed = write_whole(&target, Protected::default(), |_| {
            Err(std::io::Error::other("boom"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"hello", "kept whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_killed_runs_leftover_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has pid 4,000,000,000 (the kernel's maximum is far lower).
        let leftover = dir
            .path()
            .join(format!("{PARTIAL_PREFIX}4000000000-abc.tmp"));
        std::fs::write(&leftover, b"partial").unwrap();
        write_whole(&dir.path().join("out.txt"), Protected::default(), |out| {
            out.write_all(b"x")
        })
        .unwrap();
        assert!(!leftover.exists());
    }

    #[test]
    fn devices_links_and_protected_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let none = Protected::default();
        assert!(check_target(Path::new("/dev/null"), none).is_err());
        let input = dir.path().join("persons.csv");
        std::fs::write(&input, b"x").unwrap();
        let files = [input.as_path()];
        let inputs = Protected {
            files: &files,
            folders: &[],
        };
        assert!(check_target(&input, inputs).is_err());
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            let refused = check_target(&link, none).unwrap_err().to_string();
            assert!(refused.contains("a symbolic link"), "{refused}");
        }
        assert!(check_target(&dir.path().join("new.json"), inputs).is_ok());
        let pack = [dir.path()];
        let in_pack = Protected {
            files: &[],
            folders: &pack,
        };
        assert!(check_target(&dir.path().join("x.rhai"), in_pack).is_err());
    }
}
