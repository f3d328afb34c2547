<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>FundStatusBar</name>
    <message>
        <source>Office: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Employee: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to send: —</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to send: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never sent to headquarters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data has not reached headquarters for more than %1 days. Connect and press &quot;Send now&quot; on the Send data page, or send by USB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection: unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to headquarters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline (work continues)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>The system is locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked after a period without use. %1, enter your password to continue where you left off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out (unsaved work will be lost)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the password.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Sign in – Registration system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Beneficiary registration system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Office: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Employee name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. ahmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your employee name and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database part of the system is not installed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer is not set up yet. Ask the IT team to set up the office.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Registration system – %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Beneficiaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Su&amp;pervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a beneficiary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send data to headquarters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>English interface</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock the screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the day (today&apos;s report)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark a beneficiary inactive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batches held back by headquarters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MarkInactiveDialog</name>
    <message>
        <source>Mark the beneficiary inactive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. death certificate no. …, or moved to …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the reason before saving.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlaceholderScreen</name>
    <message>
        <source>New registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This part of the system is not available in this installation.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordScreen</name>
    <message>
        <source>Beneficiary record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headquarters: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The record was marked inactive.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordView</name>
    <message>
        <source>Back to search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print insurance card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print registration receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark inactive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dependants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History of changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Relation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>National number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headquarters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportsScreen</name>
    <message>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Beneficiaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dependants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total: %1 beneficiaries, %2 dependants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registrations from %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Registration reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Count by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Employee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registration channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Municipality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Beneficiaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dependants</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>National number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Municipality</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SearchScreen</name>
    <message>
        <source>Find a beneficiary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No beneficiary found. Check the spelling or search by the national number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the beneficiary, open the record, then press &quot;Mark inactive&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 result(s). Enter opens the selected record.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SearchView</name>
    <message>
        <source>Find a beneficiary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>National number, card number, mobile or name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type at least two letters of the name, or the number. Press Enter or the down arrow to go to the results, Enter again to open a record.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock after (minutes, 0 = never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headquarters address (https)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headquarters certificate (CA file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nightly sending window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warn when not sent for (days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt paper</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Arabic-Indic digits (٠١٢٣)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty = the first camera found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty = ask every time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headquarters certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The headquarters address must start with https://</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the sending window like 22:00-05:00</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partly sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send data to headquarters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registrations are sent automatically at night and whenever the connection is available. Press the button to send now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous sendings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batches refused by headquarters (supervisor)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batches received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch %1 of %2 (%3 KB of %4 KB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Records waiting to be sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <source>Waiting to send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent, awaiting reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Something went wrong and the action was not completed. Your data is safe. If it happens again, tell the IT team.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please check the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <source>Please wait…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>printing</name>
    <message>
        <source>Print preview</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
