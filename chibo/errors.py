"""The error types the domain layer raises; every message is Vietnamese and actionable."""


class InputError(ValueError):
    """Bad user input: the message says, in Vietnamese, what to fix. Nothing was written."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row

    def __str__(self) -> str:
        return self.message if self.row is None else f"Dòng {self.row}: {self.message}"


class QueryError(InputError):
    """A query Tra cứu could not run: the message says why in Vietnamese; `detail` keeps the database's own
    words (English), shown folded under the sentence for whoever wants them."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class PermissionDenied(InputError):
    """The acting user's role may not do this."""


class DatabaseInUse(RuntimeError):
    """Another process holds the database file."""

    def __init__(self, path: str):
        super().__init__(
            f"Cơ sở dữ liệu {path} đang được một chương trình khác sử dụng "
            "(có thể ứng dụng chibo đang chạy). Hãy đóng chương trình đó rồi thử lại."
        )


class ConfigError(RuntimeError):
    """A CHIBO_* setting is set to a value chibo cannot use; the message names it and what is expected."""


class StaleEdit(InputError):
    """Someone saved the same thing after this form was opened, and the save would replace their values with
    other ones: nothing was written. `headline` says who and when; `changes` are (label, stored now, the user's)
    as a person reads them; `version` is what is stored now: saving against it keeps the user's values, on
    purpose."""

    def __init__(self, headline: str, version, changes: list[tuple[str, str, str]]):
        values = " ".join(f"{label}: giá trị hiện tại {stored}; giá trị của đồng chí: {yours}."
                          for label, stored, yours in changes)
        super().__init__(f"{headline} {values} Hãy chọn giữ giá trị của mình hoặc lấy giá trị đã lưu.")
        self.headline = headline
        self.version = version
        self.changes = changes


class FieldErrors(InputError):
    """Bad input in a form of several fields: `fields` maps each field to its own sentence, so the form can show
    every message beside its field. Nothing was written."""

    def __init__(self, message: str, fields: dict[str, str]):
        super().__init__(message)
        self.fields = fields
