"""Field behaviour of the registration form: labels from the domain table, typed values in
and out, inline validation while typing, the category's own fields, home-visit mode.

A mixin of `RegistrationScreen` (kept apart so each module stays readable).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer

from fundclient.domain.fields import CATEGORY_PREFIX
from fundclient.domain.records import Channel
from fundclient.errors import Message
from fundclient.ui.i18n import current_language, show_digits
from fundclient.ui.registration.binding import DUPLICATE_KEYS, FormContext
from fundclient.ui.registration.dependants import DependantRow
from fundclient.ui.registration.layout import make_editor
from fundclient.ui.registration.widgets import ChoiceField, FieldRow
from fundclient.domain.reference import RefItem
from fundclient.ui.registration.texts import retranslate_screen

VALIDATE_DELAY_MS = 600  # after the clerk stops typing in a field
CHOICE_LISTS = {"sex": "sexes", "marital_status": "marital_statuses",
                "municipality": "municipalities", "channel": "channels"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationScreen", text)


class FormLogic:
    """Needs from the host: rows, dependants, form (FormContext), set_category_rows,
    home_visit, home_visit_banner, _on_field_edited(key)."""

    form: FormContext

    def _init_form_logic(self) -> None:
        self._loading = False
        self._messages: dict[str, Message] = {}  # row name -> message shown under it
        self._pending: set[tuple[object, str]] = set()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self._validate_pending)
        self.dependants.reference = self.form.reference
        for key, row in list(self.rows.items()):
            row.editor.changed.connect(lambda k=key: self._field_changed(k))
        self.dependants.changed.connect(self._dependant_changed)
        self.dependants.rows_changed.connect(self._dependants_rows_changed)
        self.home_visit.toggled.connect(self._home_visit_toggled)
        self._fill_choices()
        self._rebuild_category_rows()

    # ---------------------------------------------------------------- labels and lists
    def _fill_choices(self) -> None:
        choose = _tr("— choose —")
        for key, list_name in CHOICE_LISTS.items():
            self.rows[key].editor.set_items(self.form.reference.items(list_name), choose)

        cats = tuple(RefItem(c.code, c.label.ar, c.label.en) for c in self.form.categories())
        self.rows["category"].editor.set_items(cats, choose)
        for row in self.rows.values():
            self._label_row(row)

    def _label_row(self, row: FieldRow) -> None:
        language = current_language()
        definition = self.form.field_def(row.name, category=self.value("category"))
        row.set_label(definition.label.in_language(language), definition.required,
                      definition.hint.in_language(language))
        if isinstance(row.editor, ChoiceField) and definition.choices and \
                row.name.startswith(CATEGORY_PREFIX):
            row.editor.set_items(self.form.reference.items(definition.choices),
                                 _tr("— choose —"))

    def _relabel_fields(self) -> None:
        self._fill_choices()
        self.dependants.retranslate_ui()
        for name, message in self._messages.items():
            row = self._row_by_name(name)
            if row is not None:
                row.set_message(message.in_language(current_language()))

    def _rebuild_category_rows(self) -> None:
        cat = self.form.category(self.value("category"))
        old = {r.name: r.editor.value() for r in getattr(self, "category_rows", [])}
        rows = []
        for definition in (cat.fields if cat else ()):
            editor = make_editor(definition.key, definition.kind)
            row = FieldRow(definition.key, editor)
            editor.changed.connect(lambda k=definition.key: self._field_changed(k))
            rows.append(row)
        self.set_category_rows(rows)
        for row in rows:
            self._label_row(row)
            if row.name in old:
                row.editor.set_value(old[row.name])
            self.navigator.watch(row.editor)
        self._apply_tab_order()

    # ---------------------------------------------------------------- values
    def value(self, key: str) -> str:
        row = self.rows.get(key)
        return row.editor.value() if row is not None else ""

    def values(self) -> dict[str, str]:
        return {key: row.editor.value() for key, row in self.rows.items()}

    def set_values(self, values: dict[str, str], dependants: list[dict[str, str]]) -> None:
        self._loading = True
        try:
            if "category" in values:
                self.rows["category"].editor.set_value(values["category"])
                self._rebuild_category_rows()
            for key, row in self.rows.items():
                row.editor.set_value(values.get(key, ""))
            self.dependants.set_values(dependants)
            self.home_visit.setChecked(values.get("channel") == Channel.HOME_VISIT.value)
        finally:
            self._loading = False
        self._clear_messages()

    def clear_fields(self) -> None:
        self.set_values({"category": self.form.categories()[0].code
                         if self.form.categories() else "",
                         "channel": Channel.HOME_VISIT.value if self.home_visit.isChecked()
                         else Channel.OFFICE.value}, [])

    # ---------------------------------------------------------------- inline validation
    def _field_changed(self, key: str) -> None:
        if self._loading:
            return
        if key == "category":
            self._rebuild_category_rows()
            self._queue(None, "date_of_birth")
        if key == "channel":
            self._sync_home_visit_from_channel()
        if key == "national_number":
            self._fill_sex_from_number()
        if key in ("sex", "date_of_birth"):
            self._queue(None, "national_number")
            for row in self.dependants.rows:
                for dkey in ("sex", "date_of_birth"):
                    self._queue(row, dkey)
        self._queue(None, key)
        self._on_field_edited(key)

    def _dependant_changed(self, row: DependantRow, key: str) -> None:
        if self._loading:
            return
        if key == "relation":
            self._prefill_dependant(row)
            self._queue(row, "sex")
            self._queue(row, "date_of_birth")
        if key in ("sex", "date_of_birth"):
            self._queue(row, "national_number")
        self._queue(row, key)
        self._on_field_edited("dependants")

    def _dependants_rows_changed(self) -> None:
        for row in self.dependants.rows:
            self.navigator.watch(*row.editors())
        self._apply_tab_order()
        if not self._loading:
            self._on_field_edited("dependants")

    def _queue(self, dependant: DependantRow | None, key: str) -> None:
        row = self._field_row(dependant, key)
        if row is None:
            return
        # A message already shown is re-checked at once, so it vanishes as soon as fixed.
        if row.message_text():
            self._check_one(dependant, key, show_required=True)
        self._pending.add((dependant, key))
        self._validate_timer.start()

    def _validate_pending(self) -> None:
        pending, self._pending = self._pending, set()
        for dependant, key in pending:
            if dependant is not None and dependant not in self.dependants.rows:
                continue
            row = self._field_row(dependant, key)
            # "Required" waits for Next/Save: an empty field is not an error while typing.
            if row is not None and (row.editor.value() or row.message_text()):
                self._check_one(dependant, key, show_required=False)

    def _check_one(self, dependant: DependantRow | None, key: str, *,
                   show_required: bool) -> Message | None:
        row = self._field_row(dependant, key)
        if row is None:
            return None
        values = self.values()
        message = self.form.check(key, values,
                                  dependant.values() if dependant is not None else None)
        if message is not None and not show_required and not row.editor.value():
            message = None
        self._show(row, message)
        return message

    def validate_now(self, keys: list[str] | None = None) -> int:
        """Check (and show) every given beneficiary field, or all of them; returns the
        number of problems. Used by Next (the step's fields) and by Save (everything)."""
        self._validate_timer.stop()
        self._pending.clear()
        count = 0
        for key in keys if keys is not None else list(self.rows):
            if key in self.rows and not self.rows[key].isHidden():
                count += self._check_one(None, key, show_required=True) is not None
        return count

    def validate_dependants(self) -> int:
        count = 0
        for row in self.dependants.rows:
            for key in row.rows:
                count += self._check_one(row, key, show_required=True) is not None
        return count

    def _show(self, row: FieldRow, message: Message | None) -> None:
        if message is None:
            self._messages.pop(row.name, None)
            row.set_message("")
        else:
            self._messages[row.name] = message
            row.set_message(message.in_language(current_language()))
        self._mark_steps()

    # ---------------------------------------------------------------- problems: one source
    # `_messages` (field row -> message shown under it) is the one list of problems on
    # screen: the count in the status line and the marks on the step bar both come from it.
    def problem_rows(self) -> list[FieldRow]:
        rows = (self._row_by_name(name) for name in self._messages)
        return [row for row in rows if row is not None and not row.isHidden()]

    def problem_count(self) -> int:
        return len(self.problem_rows())

    def problems_per_step(self) -> list[int]:
        counts = [0] * len(self.steps)
        for row in self.problem_rows():
            for index, step in enumerate(self.steps):
                if step.page.isAncestorOf(row):
                    counts[index] += 1
                    break
        return counts

    def _mark_steps(self) -> None:
        """A step with a red field is red on the step bar (tooltip: how many)."""
        if not hasattr(self, "step_buttons"):
            return
        for index, count in enumerate(self.problems_per_step()):
            button = self.step_buttons.button(index)
            if button is None:
                continue
            if bool(count) != bool(button.property("hasProblems")):
                button.setProperty("hasProblems", bool(count))
                button.style().unpolish(button)
                button.style().polish(button)
            button.setProperty("problemCount", count)
            # Colour and frame only, not "(3)" in the label: the step bar must keep its
            # width on a 1024-pixel screen. The count is in the tooltip.
            button.setToolTip(f"Alt+{index + 1}" + (" — " + _tr("%1 field(s) to correct")
                              .replace("%1", show_digits(count)) if count else ""))
            button.setAccessibleDescription(
                _tr("%1 field(s) to correct").replace("%1", show_digits(count)) if count else "")

    def show_problems(self, problems: dict[str, Message]) -> list[FieldRow]:
        """Show a validate_beneficiary() / ValidationFailed result under the fields."""
        shown = []
        for key, message in problems.items():
            row = self._problem_row(key)
            if row is not None:
                self._show(row, message)
                shown.append(row)
        return shown

    def _problem_row(self, key: str) -> FieldRow | None:
        if key.startswith("dependants["):
            index_text, _, field = key[len("dependants["):].partition("].")
            if index_text.isdigit() and int(index_text) < len(self.dependants.rows):
                return self.dependants.rows[int(index_text)].rows.get(field)
            return None
        return self.rows.get(key)

    def _clear_messages(self) -> None:
        self._validate_timer.stop()
        self._pending.clear()
        for name in list(self._messages):
            row = self._row_by_name(name)
            if row is not None:
                row.set_message("")
        self._messages.clear()
        self._mark_steps()

    def _field_row(self, dependant: DependantRow | None, key: str) -> FieldRow | None:
        return dependant.rows.get(key) if dependant is not None else self.rows.get(key)

    def _row_by_name(self, name: str) -> FieldRow | None:
        if name in self.rows:
            return self.rows[name]
        for row in self.dependants.rows:
            for field_row in row.rows.values():
                if field_row.name == name:
                    return field_row
        return None

    # ---------------------------------------------------------------- helpful defaults
    def _fill_sex_from_number(self) -> None:
        """The Libyan number's first digit says the sex: fill it if not chosen yet."""
        if self.value("sex"):
            return
        scheme = self.form.scheme
        number = scheme.normalise(self.value("national_number"))
        if len(number) == scheme.length and scheme.check(number) is None:
            sex = scheme.decode(number).sex
            if sex is not None:
                self.rows["sex"].editor.set_value(sex.value)

    def _prefill_dependant(self, row: DependantRow) -> None:
        """A son's or daughter's father, grandfather and family name follow the holder's;
        their sex follows the relation; a spouse's sex is the holder's opposite. Only empty
        fields, or fields this method filled itself, are (re)filled: typed text wins."""
        relation = row.value("relation")
        holder_sex = self.value("sex")
        auto = row.__dict__.setdefault("autofilled", {})

        def fill(key: str, value: str) -> None:
            current = row.value(key)
            if value and (not current or auto.get(key) == current):
                row.rows[key].editor.set_value(value)
                auto[key] = value

        if relation in ("son", "daughter") and holder_sex == "M":
            for part, source in (("father", "first"), ("grandfather", "father"),
                                 ("family", "family")):
                fill(f"name.{part}", self.value(f"name.{source}"))
        sex = {"son": "M", "daughter": "F"}.get(relation, "")
        if relation == "spouse" and holder_sex in ("M", "F"):
            sex = "F" if holder_sex == "M" else "M"
        fill("sex", sex)

    # ---------------------------------------------------------------- home visit
    def _home_visit_toggled(self, on: bool) -> None:
        channel = Channel.HOME_VISIT.value if on else Channel.OFFICE.value
        if self.value("channel") != channel:
            self.rows["channel"].editor.set_value(channel)
        self.home_visit_banner.setVisible(on)

        retranslate_screen(self)  # the heading says "home visit" while the mode is on
        self._update_locality_visibility()
        if not self._loading:
            self._on_field_edited("channel")

    def _sync_home_visit_from_channel(self) -> None:
        on = self.value("channel") == Channel.HOME_VISIT.value
        if self.home_visit.isChecked() != on:
            self.home_visit.setChecked(on)
        self._update_locality_visibility()

    def _update_locality_visibility(self) -> None:
        # The village/locality matters for field teams (the office knows its own town).
        show = self.home_visit.isChecked() or bool(self.value("locality"))
        self.rows["locality"].setVisible(show)

    def duplicate_relevant(self, key: str) -> bool:
        # "dependants": a dependant's national number may be registered elsewhere.
        return key in DUPLICATE_KEYS or key == "dependants"
