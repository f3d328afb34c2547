<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>AdminPage</name>
        <message>
            <source>First administrator</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The administrator adds the employees and changes the settings. Choose a password of at least 8 characters that others cannot guess. When you press Next the office is created on this computer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;User name (Latin letters):</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Full name:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Password:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Password &amp;again:</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CardChooser</name>
        <message>
            <source>Cards to print (Space ticks or unticks):</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>holder</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ChooseCardsDialog</name>
        <message>
            <source>Print cards</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Preview</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DayCloseScreen</name>
        <message>
            <source>Day close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Corrected, not decided</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not decided</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 registrations: %2 approved, %3 sent back, %4 not decided</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Select a registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependants</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Comment</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Corrected after</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No photo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the day-close report</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DayCloseView</name>
        <message>
            <source>Day:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Clerk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To check</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Decision</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Selected registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approve selected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Approve all without remarks</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send back to the clerk…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close the day and save the report…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DevicesPage</name>
        <message>
            <source>Camera and printers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check that the camera shows a picture and that the printers work. You can skip this step and do it later from the settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Camera:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show the &amp;picture</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Insurance card p&amp;rinter:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>R&amp;eceipt printer:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print a &amp;test page</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No camera found</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DonePage</name>
        <message>
            <source>Write the enrolment request to a &amp;USB drive…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The office is ready</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Press “Open the system” and sign in with the administrator's user name and password.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>EnrolByUsbBox</name>
        <message>
            <source>Register this computer with headquarters by USB</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This computer is not registered with headquarters yet, so registrations wait here.
1) Write the request onto a USB drive and take it to headquarters.
2) Headquarters gives back an answer file on the drive and the token on paper: type the token, then import the answer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>1. &amp;Write the request to a USB drive…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>2. &amp;Import headquarters' answer…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment &amp;token:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the USB drive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The request {file} is on the drive: take it to headquarters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the enrolment token given by headquarters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters' answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registered with headquarters; computer number {number}. The waiting registrations are ready to be sent.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>FirstRunWizard</name>
        <message>
            <source>Step {step} of {steps}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Create the office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Open the system</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Try again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Next</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the headquarters address, starting with https://</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the enrolment token given by headquarters.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The user name may use only Latin letters, digits, dot, dash and underscore, with no spaces.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The two passwords are not the same. Type them again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Creating the office on this computer…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print or write down the key first, then tick the box.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registering this computer with headquarters…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the USB drive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This folder is on this computer. Choose the USB drive: the recovery key must never be kept on this computer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check the address and the token and try again, or choose “{option}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The request {file} is on the drive. Take it to headquarters; they give back an answer file and the token. Then:
{command}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registered with headquarters; computer number {number}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not linked with headquarters yet: registrations stay pending until this computer is registered. Provisional computer number: {number}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Office: {office}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Administrator: {user}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Camera: {camera}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Warning: headquarters registered this computer for the office {code}, not for the office chosen here. Tell headquarters before registering beneficiaries.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Setting up the office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Skip this step</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>FundStatusBar</name>
        <message>
            <source>Office: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Employee: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>DEMO — practice data, deleted when the app closes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting to send: —</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Waiting to send: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Never sent to headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last sent: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Data has not reached headquarters for more than %1 days. Connect and press "Send now" on the Send data page, or send by USB.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connection: unknown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Connected to headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Offline (work continues)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HqLinkPage</name>
        <message>
            <source>Link with headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters gives each computer an address and a one-time enrolment token. The computer is registered with headquarters after the administrator is created.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>I have the &amp;address and the token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters address:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enrolment token:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No link yet — register &amp;later or by USB</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Without a link the office works normally; new registrations stay pending until the computer is registered: with the command {command} once there is a link, or by USB — the last page writes the enrolment request onto a drive for headquarters.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>KeyboardLayoutHint</name>
        <message>
            <source>The keyboard is typing Arabic letters, but user names and passwords are in Latin letters. Switch the keyboard to English (Alt+Shift) and type again.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>LanguagePage</name>
        <message>
            <source>Welcome — setting up this office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This assistant prepares the system on this computer in a few steps. Choose the language of the screens (you can change it later in the settings).</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <source>The system is locked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You locked the screen (Ctrl+L). %1, enter your password to continue where you left off.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Locked after a period without use. %1, enter your password to continue where you left off.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unlock</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign out (unsaved work will be lost)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wrong password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Your work stays on screen under this lock; enter the password after that time, or sign out (unsaved work will be lost).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not check the password.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>LoginScreen</name>
        <message>
            <source>Sign in – Registration system</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiary registration system</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Office: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checking…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. ahmed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Version %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter your user name and password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The database part of the system is not installed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This computer is not set up yet. Ask the IT team to set up the office.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Registration system – %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;System</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Beneficiaries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Su&amp;pervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Administration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Find a beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reports</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send data to headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>English interface</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lock the screen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sign out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Exit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close the day…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mark a beneficiary inactive…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Batches held back by headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Import beneficiaries from a spreadsheet…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Settings…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Employees…</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MarkInactiveDialog</name>
        <message>
            <source>Mark the beneficiary inactive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason (required)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>e.g. death certificate no. …, or moved to …</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write the reason before saving.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>OfficePage</name>
        <message>
            <source>Office and computer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the office where this computer is used.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Office:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Number of this computer:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Give every computer of the office its own number between 900 and 999 (for example 901 for the first computer, 902 for the second). Two computers must never have the same number: it is printed inside the insurance card numbers until headquarters registers this computer and gives it its final number.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>OperatorsDialog</name>
        <message>
            <source>Clerk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Administrator</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Employees</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add an employee…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New password…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop access</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Give access again…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>User name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Full name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Role</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Access</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Active</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stopped</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop the access of {name}? Their password will no longer open the program; giving access again needs a new password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep access</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The employee was added.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Access was given again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The new password is set. Tell it to the employee in person.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was changed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Access was stopped.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PasswordForm</name>
        <message>
            <source>User name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Full name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Role</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Password again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New employee</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The user name may have letters, digits, dot, dash and underscore only (no spaces).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The two passwords are not the same.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PhotoException</name>
        <message>
            <source>(approved by %1)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PlaceholderScreen</name>
        <message>
            <source>New registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This part of the system is not available in this installation.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RecordScreen</name>
        <message>
            <source>Beneficiary record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Loading…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No photo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card to print: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The record was marked inactive.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RecordView</name>
        <message>
            <source>Back to search</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print insurance card</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print registration receipt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Replace card…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Mark inactive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependants</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>History of changes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Relation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of birth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RecoveryPage</name>
        <message>
            <source>Recovery key — shown only once</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The office has been created. This key opens the office's data when every password is lost. It is not saved anywhere on this computer and will not be shown again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Print</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save as P&amp;DF on a USB drive…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print it or write it down, and lock the paper in a safe away from the computer. Use it only to set a new password when the administrator's password is forgotten, or to move the data to a new computer. Whoever holds this paper can open all the beneficiaries' data: if it is lost, or the computer is stolen, tell headquarters at once.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>I have &amp;printed or written down the recovery key</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegistrationReview</name>
        <message>
            <source>… and %1 more</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please correct before saving:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No photo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A possible duplicate must be resolved (see the box at the top).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Everything else is filled in. Read the data to the beneficiary, then press Save (Ctrl+S).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Everything is filled in. Read the data to the beneficiary, then press Save (Ctrl+S).</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ReplaceCardDialog</name>
        <message>
            <source>Card of</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print the card again</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A card spoiled in the printer keeps its number. For any other reason the card gets a new number and the old one stops being valid everywhere.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ReportsScreen</name>
        <message>
            <source>Reports</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(not set)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiaries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependants</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Total: %1 beneficiaries, %2 dependants</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save report</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registrations from %1 to %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved: %1</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ReportsView</name>
        <message>
            <source>Registration reports</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This month</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;From</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;To</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Count by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Employee</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registration channel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Municipality</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save as CSV</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save as Excel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiaries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependants</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ReturnedScreen</name>
        <message>
            <source>Sent back to me (%1)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent back to me</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registrations your supervisor sent back to you, with the reason. Select one and press Enter, correct it and save: it goes back to the supervisor.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent back on</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>By</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What to correct</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open and correct (Enter)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nothing was sent back to you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 wrote: «%2»</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SavedScreen</name>
        <message>
            <source>Registration saved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1  Print the card</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1  Print the receipt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1  New registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Loading…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Insurance card number: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Office: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The card was printed. Next: the receipt (key %1).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The receipt was printed. Next person: key %1.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SearchResultsModel</name>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Municipality</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (dependant of %2)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SearchScreen</name>
        <message>
            <source>Find a beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Searching…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No beneficiary found. Check the spelling or search by the national number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Find the beneficiary, open the record, then press "Mark inactive".</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 result(s). Enter opens the selected record.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SearchView</name>
        <message>
            <source>Find a beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number, card number, mobile or name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type at least two letters of the name, or the number. Press Enter or the down arrow to go to the results, Enter again to open a record.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SendBackDialog</name>
        <message>
            <source>Send back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What should the clerk correct in the registration of %1?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send back to the clerk</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Interface language</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Numbers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Lock after (minutes, 0 = never)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Camera</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters address (https)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters certificate (CA file)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Nightly sending</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Warn when not sent for (days)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card printer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Receipt paper</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Show Arabic-Indic digits (٠١٢٣)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Empty = the first camera found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Empty = ask every time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Daily at %1 (scheduled task)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This PC's scheduled task sends the records at this time every day, even with the program closed. It is set when the program is installed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Headquarters certificate</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SyncScreen</name>
        <message>
            <source>Sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Partly sent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No connection</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send data to headquarters</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registrations are sent automatically at night and whenever the connection is available. Press the button to send now.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sending…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Send now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Previous sendings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Batches refused by headquarters (supervisor)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Result</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Batches received</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Refused</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Batch</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Records needing attention (answer from headquarters)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Batch %1 of %2 (%3 KB of %4 KB)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Records waiting to be sent: %1</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SyncState</name>
        <message>
            <source>Waiting to send</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent, awaiting reply</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Accepted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Duplicate registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rejected</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>errors</name>
        <message>
            <source>Something went wrong and the action was not completed. Your data is safe. If it happens again, tell the IT team.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not allowed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please check the data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not complete</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unexpected error</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>The app cannot open</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ops</name>
        <message>
            <source>Please wait…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Working</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>FirstRunDevices</name>
        <message>
            <source>Looking for cameras…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>When you see the picture and “one face” is ticked, the camera works.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Insurance card printer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Receipt printer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Test page sent. Check that the Arabic text is clear.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No camera found. Connect the camera and start the system again, or choose it later in the settings.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(none — save as PDF)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the test page</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cameras found: {count}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>FirstRunPaper</name>
        <message>
            <source>Keep this paper locked in a safe, away from the computer. It opens all the data of the office when every password is lost. If it is lost, or the computer is stolen, tell headquarters at once.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recovery key</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Test page</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>If this Arabic text reads correctly, the printer works:</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ImportScreen</name>
        <message>
            <source>Import from a spreadsheet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Possible duplicate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whole row</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Import beneficiaries from a spreadsheet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A CSV or Excel (.xlsx) file with one beneficiary per row and the column names of the import guide. Check the file first: every row is checked as the registration form checks it. Rows already registered are skipped; a possible duplicate is not imported but listed for you to check.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;File:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose a file…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Check the file</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Import</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stop the import</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the refused rows…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the spreadsheet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 of %2 rows checked (%3%), %4 rows per second</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 of %2 rows done (%3%), %4 rows per second</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the refused rows</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Row</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>National number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Field</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spreadsheets</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type the file's path or choose the file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Stopping after the rows being saved now…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The file could not be written there. Choose another folder.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Already registered (skipped): </source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependant %1: %2</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Import finished: %1 rows.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The import was stopped after %1 of %2 rows. The rows imported before the stop are saved; the rest of the file was not imported — import the same file again to add them (rows already registered are skipped).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 rows in the file: %2 ready to import, %3 with problems (listed below; they will not be imported).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Imported: %1 · Already registered (skipped): %2 · Refused: %3, of them possible duplicates to check: %4</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>printing</name>
        <message>
            <source>No card chosen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print (Enter)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save as PDF…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save as PDF</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print the card</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Print the receipt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 card(s), %2 pages (front and back of each card)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 page(s)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Receipt %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card %1</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegistrationDependants</name>
        <message>
            <source>Add a dependant (Alt+A)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No dependants yet. Press “Add a dependant” for the spouse(s) and children covered with this beneficiary.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>— choose —</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependant %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove dependant %1</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegistrationScreen</name>
        <message>
            <source>Unfinished registration restored.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Draft saved automatically.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>— choose —</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 field(s) to correct</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registration saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saving…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This person may already be registered: resolve the duplicate warning first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Please correct the fields marked in red (%1).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Insurance card number: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Sent back by %1: «%2». Correct it and save: it goes back to the supervisor.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Full name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>None</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Edit a beneficiary's record</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Home visit mode is ON: this registration is saved as a home visit, on this computer, and sent later; no network or printer is needed. The card is printed at the office. Untick “Home visit” for a registration at the office.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Next</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Information for this category</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiary</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Address and phone</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Category</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Dependants</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo taken</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No photo yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Beneficiary's personal data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Copy from the national ID card or the family booklet. Press Enter to go to the next field.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Where the beneficiary lives and a phone number to reach the family.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Category and registration details</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Retirees: copy the pension number from the pension statement.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Spouse(s) and children covered with the beneficiary. Alt+A adds one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo and documents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Take the photo with the camera, or import a scanned photo from a file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Review and save</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Read the data back to the beneficiary. Save with Ctrl+S.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>home visit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 scanned document(s)</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegistrationDrafts</name>
        <message>
            <source>(no name yet)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unfinished registrations</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>These registrations were not finished (the program was closed or the power went off). Continue one of them?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Continue this registration</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Later</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegistrationDuplicates</name>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Match</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the registration without an accepted photo. The reason is kept with the record, shown in day close and sent to the general administration.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checking…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>card valid</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>card cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>record inactive</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no card yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>a dependant, initials %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>initials %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save anyway…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor approval…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>another office</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>certain</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save despite a duplicate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The registration will be saved and sent with the reason; the general administration reviews it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write why this is a different person (for example: a relative with the same name).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Details (required for another reason)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor's user name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Supervisor's password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The supervisor types their user name and password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saving it anyway needs your supervisor's approval.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save is blocked until the duplicate is resolved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>name and birth date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Write the reason in a few words (at least %1 letters).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This national number is registered at another office.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saving anyway. Reason: %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (dependant of %2)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>registered at %1</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This person is already registered (same national number).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A registered person has a similar name and date of birth. Ask the beneficiary before you continue.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The dependant %1 on this form is already registered (same national number).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>registered at %1 on %2</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>RegistrationPhoto</name>
        <message>
            <source>Choose the photo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Checking the photo…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose the scanned document</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The camera is not available on this computer. Import the photo from a file (a scanned photo is fine).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Import photo from file…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo exception…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo on the card</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Scanned documents (optional)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Add document…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Remove</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No photo yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Images</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Photo ready.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Document %1 (%2 KB)</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
