"""Rosters as LMSs and spreadsheets give them: one test per export format, built from its documented columns."""

import pytest

from afcourse.quiz.roster import RosterError, read_roster_table


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_canvas_gradebook_export_skips_points_possible(tmp_path):
    # Canvas > Grades > Export: Student, ID, SIS User ID, SIS Login ID, Section, then assignments;
    # the second row holds each assignment's points ("Points Possible"), and the Test Student is listed.
    text = ('Student,ID,SIS User ID,SIS Login ID,Section,Midterm (1234),Current Score,Final Score\n'
            '    Points Possible,,,,,18.00,(read only),(read only)\n'
            '"Smith, John",5501,s2300199,jsmith,HIST 210 A,,,\n'
            '"Okafor, Ada",5502,s2300200,aokafor,HIST 210 B,,,\n'
            '"Student, Test",5599,,,HIST 210 A,,,\n')
    table = read_roster_table(write(tmp_path, "grades.csv", text))
    assert table.format == "canvas-gradebook"
    assert [s["id"] for s in table.students] == ["s2300199", "s2300200"]
    smith = table.students[0]
    assert smith["name"] == "Smith, John" and smith["section"] == "HIST 210 A"
    assert smith["lms_ids"] == {"canvas_id": "5501", "sis_user_id": "s2300199", "sis_login_id": "jsmith"}
    assert any("Test Student" in note for note in table.notes)


def test_canvas_users_provisioning_report(tmp_path):
    text = ("canvas_user_id,user_id,integration_id,authentication_provider_id,login_id,first_name,last_name,"
            "full_name,sortable_name,short_name,email,status\n"
            "5501,s2300199,,,jsmith,John,Smith,John Smith,\"Smith, John\",John Smith,js@example.edu,active\n"
            "5503,s2300201,,,gone,Old,Student,Old Student,\"Student, Old\",Old,old@example.edu,deleted\n")
    table = read_roster_table(write(tmp_path, "users.csv", text))
    assert table.format == "canvas-users"
    assert [(s["id"], s["name"]) for s in table.students] == [("s2300199", "John Smith")]
    assert table.students[0]["lms_ids"]["canvas_id"] == "5501"
    assert "deleted" in table.notes[0]


def test_moodle_grades_export(tmp_path):
    # Moodle > Grades > Export > Plain text file: identity fields, then grade items
    text = ('"First name","Last name","ID number",Institution,Department,"Email address",'
            '"Quiz: Midterm (Real)","Last downloaded from this course"\n'
            'John,Smith,s2300199,,History,js@example.edu,-,1733400000\n'
            'Ada,Okafor,,,History,ada@example.edu,-,1733400000\n')
    table = read_roster_table(write(tmp_path, "moodle-grades.csv", text))
    assert table.format == "moodle"
    assert [(s["id"], s["name"]) for s in table.students] == [("s2300199", "John Smith"),
                                                              ("ada@example.edu", "Ada Okafor")]
    assert table.students[0]["lms_ids"] == {"idnumber": "s2300199", "email": "js@example.edu"}


def test_moodle_participants_download_keeps_students_only(tmp_path):
    # Moodle > Participants > Download table data as CSV (older sites say "Surname")
    text = ('First name,Surname,ID number,Email address,Roles,Groups,Last access to course,Status\n'
            'John,Smith,s2300199,js@example.edu,Student,Group A,2 days,Active\n'
            'Maria,Ivanova,t0001,mi@example.edu,Teacher,No groups,now,Active\n')
    table = read_roster_table(write(tmp_path, "courseid_12_participants.csv", text))
    assert [(s["id"], s["section"]) for s in table.students] == [("s2300199", "Group A")]
    assert "Teacher" in table.notes[0]


def test_moodle_user_download(tmp_path):
    text = "username,email,firstname,lastname,idnumber\njsmith,js@example.edu,John,Smith,\n"
    table = read_roster_table(write(tmp_path, "users.csv", text))
    assert table.format == "moodle-users" and table.students[0]["id"] == "jsmith"


def test_excel_semicolons_windows_1252(tmp_path):
    text = "id;name;section\r\ns1;Müller, Jürgen;A\r\ns2;Søren Kierkegård;B\r\n"
    table = read_roster_table(write(tmp_path, "excel.csv", text, "cp1252"))
    assert table.encoding == "Windows-1252" and table.delimiter == "semicolon"
    assert [s["name"] for s in table.students] == ["Müller, Jürgen", "Søren Kierkegård"]


def test_excel_utf8_bom_and_utf16(tmp_path):
    bom = read_roster_table(write(tmp_path, "bom.csv", "\ufeffid,name\ns1,Łukasz\n"))
    assert bom.encoding == "UTF-8 with BOM" and bom.students[0] == {"id": "s1", "name": "Łukasz", "section": "",
                                                                    "lms_ids": {}}
    tabs = read_roster_table(write(tmp_path, "unicode.txt", "id\tname\r\ns1\tJohn Smith\r\n", "utf-16"))
    assert tabs.delimiter == "tab" and tabs.students[0]["name"] == "John Smith"


def test_unquoted_comma_is_refused_with_its_line(tmp_path):
    text = "id,name,section,sis_user_id\ns2300198,Ada Okafor,A,SIS1\ns2300199,Smith, John,B,SIS2\n"
    with pytest.raises(RosterError, match=r"roster.csv:3: 5 fields where the header has 4 \(an unquoted comma"):
        read_roster_table(write(tmp_path, "roster.csv", text))
    with pytest.raises(RosterError, match=r"short.csv:2: 2 fields where the header has 3"):
        read_roster_table(write(tmp_path, "short.csv", "id,name,section\ns1,Ada\n"))


def test_unknown_columns_name_what_is_accepted(tmp_path):
    with pytest.raises(RosterError, match=r"needs an 'id' column, or the columns of a Canvas or Moodle export "
                                          r"\(found: Name, Mark\)"):
        read_roster_table(write(tmp_path, "x.csv", "Name,Mark\nAda,3\n"))
