"""Admin: the office's employees (add, reset a forgotten password, disable, enable).

Writes go through CollectionOp to `store.operators` (which checks the admin role again and
re-wraps the database key for the new password); errors come back as FundError messages.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from fundclient.services.changes import Changes
from fundclient.storage.errors import NotPermitted, UsernameUnavailable, WeakPassword
from fundclient.storage.keystore import check_password_strength
from fundclient.storage.operators import valid_username
from fundclient.ui import roles
from fundclient.ui.checked_dialog import CheckedDialog
from fundclient.ui.errors import error_text
from fundclient.ui.ops import CollectionOp, QueryOp

# "role": the same English word names other things elsewhere ("Clerk" as a column of people)
ROLE_NAMES = {"clerk": lambda: QCoreApplication.translate("OperatorsDialog", "Clerk", "role"),
              "supervisor": lambda: QCoreApplication.translate("OperatorsDialog", "Supervisor", "role"),
              "admin": lambda: QCoreApplication.translate("OperatorsDialog", "Administrator", "role")}


def role_name(code: str) -> str:
    name = ROLE_NAMES.get(code)
    return name() if name else code


def _accepted(dialog: QDialog) -> bool:
    """Already accepted (tests fill the form and accept it before handing it over)."""
    return dialog.result() == QDialog.DialogCode.Accepted.value


class PasswordForm(CheckedDialog):
    """New employee (with name and role) or a new password for an existing one."""

    def __init__(self, parent: QWidget | None = None, *, username: str = "", taken: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setObjectName("operatorForm")
        self.new_employee = not username
        self.taken = taken  # the office's user names: a taken one is said before the form closes
        self.username = QLineEdit(username)
        self.username.setObjectName("newUsername")
        self.username.setReadOnly(not self.new_employee)
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for code in ROLE_NAMES:
            self.role.addItem(role_name(code), code)
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("confirmPassword")
        for edit in (self.password, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        if self.new_employee:
            form.addRow(self.tr("Full name"), self.full_name)
            form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setWindowTitle(self.tr("New employee") if self.new_employee else self.tr("New password"))

    def problems(self) -> str:
        """Every rule the store will apply, checked here so nothing typed is lost."""
        name = self.username.text().strip()
        if self.new_employee and not valid_username(name):
            return self.tr("The user name may have letters, digits, dot, dash and underscore only (no spaces).")
        if self.new_employee and name in self.taken:
            return error_text(UsernameUnavailable(name, taken=True))
        try:
            check_password_strength(self.password.text())  # the store's own rule, its own words
        except WeakPassword as exc:
            return error_text(exc)
        if self.password.text() != self.confirm.text():
            return self.tr("The two passwords are not the same.")
        return ""



class OperatorsDialog(QDialog):
    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operatorsDialog")
        self.session = session
        self.by = roles.operator_username(session.operator)
        self.operators: list = []
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("operatorsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button, self.reset_button = QPushButton(), QPushButton()
        self.disable_button, self.enable_button = QPushButton(), QPushButton()
        self.message = QLabel()
        self.message.setObjectName("operatorsMessage")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.disable_button, self.enable_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.add_button.clicked.connect(lambda: self.add_employee())
        self.reset_button.clicked.connect(lambda: self.new_password(enable=False))
        self.enable_button.clicked.connect(lambda: self.new_password(enable=True))
        self.disable_button.clicked.connect(lambda: self.disable())
        self.resize(720, 420)
        self.setWindowTitle(self.tr("Employees"))
        self.add_button.setText(self.tr("Add an employee…"))
        self.reset_button.setText(self.tr("New password…"))
        self.disable_button.setText(self.tr("Stop access"))
        self.enable_button.setText(self.tr("Give access again…"))
        self.table.setHorizontalHeaderLabels([self.tr("User name"), self.tr("Full name"), self.tr("Role"),
                                              self.tr("Access")])
        self.reload()

    def reload(self) -> None:
        store = self.session.store
        QueryOp(parent=self, op=store.operators.list, success=self._fill).run_in_background()

    def _fill(self, operators: list) -> None:
        self.operators = operators
        self.table.setRowCount(len(operators))
        for row, op in enumerate(operators):
            role = getattr(op.role, "value", op.role)
            values = [op.username, op.full_name, role_name(role),
                      self.tr("Active") if op.active else self.tr("Stopped")]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.table.currentRow()
        return self.operators[row] if 0 <= row < len(self.operators) else None

    def _confirm_stop(self, current) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Stop access"),
                          self.tr("Stop the access of {name}? Their password will no longer open the program; "
                                  "giving access again needs a new password.").format(
                              name=current.full_name or current.username), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmStopAccess")
        stop = box.addButton(self.tr("Stop access"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Keep access"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is stop

    def _write(self, work, done_text: str) -> CollectionOp:
        def op():
            work()
            return Changes(operators=True)

        def success(_changes):
            self.message.setText(done_text)
            self.reload()

        return CollectionOp(parent=self, op=op, success=success).failure(
            lambda exc: self.message.setText(error_text(exc))).run_in_background()

    def add_employee(self, form: PasswordForm | None = None):
        form = form or PasswordForm(self, taken=frozenset(o.username for o in self.operators))
        if not _accepted(form) and not form.exec():
            return None
        username, password = form.username.text().strip(), form.password.text()
        full_name, role = form.full_name.text().strip(), form.role.currentData()
        return self._write(lambda: self.session.store.operators.add(username, password, role, full_name=full_name,
                                                                    by=self.by),
                           self.tr("The employee was added."))

    def new_password(self, enable: bool, form: PasswordForm | None = None):
        current = self.selected()
        if current is None:
            return None
        form = form or PasswordForm(self, username=current.username)
        if not _accepted(form) and not form.exec():
            return None
        password, operators = form.password.text(), self.session.store.operators
        if enable:
            return self._write(lambda: operators.enable(current.username, password, by=self.by),
                               self.tr("Access was given again."))
        return self._write(lambda: operators.reset_password(current.username, password, by=self.by),
                           self.tr("The new password is set. Tell it to the employee in person."))

    def disable(self, confirmed: bool | None = None):
        """Stop the selected employee's access, after the administrator confirms it."""
        current = self.selected()
        if current is None:
            return None
        if current.username == self.by:  # the store refuses it too; say why before asking
            self.message.setText(error_text(NotPermitted("operator_disable_self")))
            return None
        if confirmed is None:
            confirmed = self._confirm_stop(current)
        if not confirmed:
            self.message.setText(self.tr("Nothing was changed."))
            return None
        operators = self.session.store.operators
        return self._write(lambda: operators.disable(current.username, by=self.by),
                           self.tr("Access was stopped."))
