// Administration: users (create, sign in as the new user, change a role), org units (create under
// SL, edit with an inline conflict, history, keyboard tree, search without diacritics, close), CSV
// imports (bad rows listed and nothing written; dry run then the real import), and the refusal a
// non-admin sees. Screenshots of the three pages at both widths.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

let server
let browser
before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function noSideways(page) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth])
  assert.ok(sw <= iw, `the page overflows sideways: ${sw} > ${iw}`)
}

test('an admin creates a user who can then sign in, and changes a role', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/admin/users`)
  await page.getByRole('heading', { name: 'Quản lý người dùng' }).waitFor()
  await page.locator('tr[data-login="skhcn.thuongtruc"]').waitFor()
  await shoot(page, 'admin-users')

  await page.getByRole('button', { name: /Thêm người dùng/ }).click()
  await page.getByLabel('Tên đăng nhập').fill('thu.nghiem')
  await page.getByLabel('Họ và tên').fill('Nguyễn Thị Thử')
  await page.getByLabel('Vai trò').selectOption('unit_officer')
  const picker = page.getByRole('combobox', { name: 'Phạm vi (đơn vị)' })
  await picker.fill('khoa hoc cong nghe')
  await page.getByRole('option', { name: /SL-SKHCN/ }).click()
  await page.getByLabel('Mật khẩu').fill('ngan')
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click()
  await page.getByText('Mật khẩu phải có ít nhất 10 ký tự.').waitFor()
  assert.equal(await page.getByLabel('Mật khẩu').getAttribute('aria-invalid'), 'true')
  await page.getByLabel('Mật khẩu').fill('mat-khau-thu-2026')
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click()
  await page.getByRole('status').getByText('Đã tạo tài khoản thu.nghiem.').waitFor()
  await page.locator('tr[data-login="thu.nghiem"]').waitFor()

  const admin = await apiAs(server.api, 'admin')
  const listed = await admin.get('/api/v1/users?q=thu.nghiem')
  assert.equal(listed.body.total, 1)
  assert.equal(listed.body.items[0].role, 'unit_officer')
  assert.equal(listed.body.items[0].unit_code, 'SL-SKHCN')
  assert.equal(listed.body.items[0].display_name, 'Nguyễn Thị Thử')

  // The same login again is refused beside the login field.
  await page.getByRole('button', { name: /Thêm người dùng/ }).click()
  await page.getByLabel('Tên đăng nhập').fill('thu.nghiem')
  await page.getByRole('combobox', { name: 'Phạm vi (đơn vị)' }).fill('SL-SKHCN')
  await page.getByRole('option', { name: /SL-SKHCN/ }).click()
  await page.getByLabel('Mật khẩu').fill('mat-khau-thu-2026')
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click()
  await page.getByText('Tên đăng nhập này đã được sử dụng.').waitFor()
  await page.getByRole('button', { name: 'Hủy' }).click()

  // The new account signs in, in a fresh context.
  const fresh = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(fresh.page, server.base, 'thu.nghiem', 'mat-khau-thu-2026')
  assert.match(new URL(fresh.page.url()).pathname, /^\/dashboard/)
  await fresh.context.close()
  assertClean(fresh.problems)

  // Change its role.
  await page.getByRole('button', { name: 'Sửa tài khoản thu.nghiem' }).click()
  await page.getByRole('heading', { name: 'Tài khoản thu.nghiem' }).waitFor()
  await page.locator('#ue-role').selectOption('unit_leader')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await page.getByRole('status').getByText('Đã lưu tài khoản thu.nghiem.').first().waitFor()
  await page.locator('tr[data-login="thu.nghiem"] [data-testid="role"]').getByText('Lãnh đạo đơn vị').waitFor()
  const after = await admin.get('/api/v1/users?q=thu.nghiem')
  assert.equal(after.body.items[0].role, 'unit_leader')
  assert.match(page.url(), /edit=\d+/)
  await shoot(page, 'admin-users-edit')

  // Disable, and the account can no longer sign in.
  await page.getByRole('button', { name: 'Khóa tài khoản' }).click()
  await page.getByRole('button', { name: 'Mở khóa tài khoản' }).waitFor()
  const refused = await fetch(`${server.api}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'thu.nghiem', password: 'mat-khau-thu-2026' }),
  })
  assert.equal(refused.status, 401)
  assertClean(problems)
})

test('an admin adds a unit under SL, edits its head with an inline conflict, and closes it', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/admin/units`)
  const tree = page.getByRole('tree', { name: 'Cây đơn vị' })
  await tree.getByRole('treeitem', { name: /Tỉnh Sơn La/ }).first().click()
  await page.getByRole('heading', { name: 'Tỉnh Sơn La', level: 2 }).waitFor()
  await page.getByRole('button', { name: 'Thêm đơn vị trực thuộc' }).click()
  await page.getByLabel('Mã đơn vị').fill('SL-W-THUNGHIEM')
  await page.getByLabel('Tên đơn vị').fill('Phường Thử Nghiệm')
  await page.getByLabel('Tên tiếng Anh').fill('Thu Nghiem Ward')
  await page.getByLabel('Loại hình').selectOption('ward')
  await page.getByRole('button', { name: 'Thêm đơn vị', exact: true }).click()
  await page.getByTestId('unit-message').getByText('Đã thêm đơn vị SL-W-THUNGHIEM.').waitFor()
  await tree.locator('[data-code="SL-W-THUNGHIEM"]').waitFor()
  await page.getByRole('heading', { name: 'Phường Thử Nghiệm', level: 2 }).waitFor()
  assert.match(page.url(), /unit=\d+/)

  // A taken code is shown beside the code; nothing is saved.
  await page.getByRole('button', { name: 'Sửa thông tin' }).click()
  await page.getByLabel('Mã đơn vị').fill('SL')
  await page.getByLabel('Người đứng đầu').fill('Cầm Thị Hoa')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await page.getByText('Mã này đã được dùng cho một đơn vị khác.').waitFor()
  assert.equal(await page.getByLabel('Mã đơn vị').getAttribute('aria-invalid'), 'true')
  const admin = await apiAs(server.api, 'admin')
  const still = await admin.get('/api/v1/org-units?code=SL-W-THUNGHIEM')
  assert.equal(still.body.items[0].leader_name, '')

  await page.getByLabel('Mã đơn vị').fill('SL-W-THUNGHIEM')
  await page.getByLabel('Chức vụ').fill('Chủ tịch UBND phường')
  await page.getByRole('button', { name: 'Lưu', exact: true }).click()
  await page.getByTestId('unit-message').getByText('Đã lưu thay đổi của SL-W-THUNGHIEM.').waitFor()
  await page.getByTestId('leader-name').getByText('Cầm Thị Hoa').waitFor()
  const history = page.getByRole('region', { name: 'Lịch sử thay đổi' })
  await history.getByText('Phiên bản 2').waitFor()
  await history.getByText('Cầm Thị Hoa').waitFor()
  const saved = await admin.get('/api/v1/org-units?code=SL-W-THUNGHIEM')
  assert.equal(saved.body.items[0].leader_name, 'Cầm Thị Hoa')
  assert.equal(saved.body.items[0].parent, 2)
  await shoot(page, 'admin-units')

  // Closing a unit with units in force beneath it is refused clearly.
  await tree.getByRole('treeitem', { name: /Tỉnh Sơn La/ }).first().click()
  await page.getByRole('heading', { name: 'Tỉnh Sơn La', level: 2 }).waitFor()
  await page.getByRole('button', { name: 'Chấm dứt hoạt động' }).click()
  await page.getByRole('button', { name: 'Xác nhận chấm dứt' }).click()
  await page.getByText('Không thể chấm dứt: vẫn còn đơn vị trực thuộc đang hoạt động.', { exact: false }).waitFor()
  await page.getByRole('button', { name: 'Hủy' }).click()

  // The new unit closes after a confirmation and is then greyed with its last day.
  await tree.locator('[data-code="SL-W-THUNGHIEM"]').click()
  await page.getByRole('heading', { name: 'Phường Thử Nghiệm', level: 2 }).waitFor()
  await page.getByRole('button', { name: 'Chấm dứt hoạt động' }).click()
  await page.getByRole('button', { name: 'Xác nhận chấm dứt' }).click()
  await page.getByTestId('unit-message').getByText('Đã chấm dứt hoạt động của SL-W-THUNGHIEM.').waitFor()
  await tree.locator('[data-code="SL-W-THUNGHIEM"]').getByText(/hết hiệu lực/).waitFor()
  const closed = await admin.get('/api/v1/org-units?code=SL-W-THUNGHIEM')
  assert.ok(closed.body.items[0].valid_to, 'the unit has its last day')
  assertClean(problems)
})

test('the unit tree works by keyboard and search ignores diacritics', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/admin/units`)
  const tree = page.getByRole('tree', { name: 'Cây đơn vị' })
  const first = tree.getByRole('treeitem').first()
  await first.focus()
  assert.equal(await first.getAttribute('aria-expanded'), 'true')
  await page.keyboard.press('ArrowLeft')
  assert.equal(await first.getAttribute('aria-expanded'), 'false', 'Left closes the root')
  assert.equal(await tree.getByRole('treeitem').count(), 1)
  await page.keyboard.press('ArrowRight')
  assert.equal(await first.getAttribute('aria-expanded'), 'true', 'Right opens it again')
  await page.keyboard.press('ArrowDown')
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-code'))
  assert.equal(focused, 'SL', 'Down moves to the province')
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: 'Tỉnh Sơn La', level: 2 }).waitFor()
  assert.equal(await tree.locator('[data-code="SL"]').getAttribute('aria-selected'), 'true')

  await page.getByLabel('Tìm đơn vị').fill('chieng an')
  await page.getByText('1 đơn vị khớp với từ khóa').waitFor()
  await tree.getByRole('treeitem', { name: /Phường Chiềng An/ }).waitFor()
  assert.match(page.url(), /q=chieng/)

  // In force on a date: the communes merged on 30/06/2025 are gone on 01/07/2025.
  await page.getByLabel('Tìm đơn vị').fill('')
  await page.getByLabel('Phạm vi hiển thị').selectOption('active')
  await page.getByLabel('Ngày', { exact: true }).fill('2025-07-01')
  await tree.locator('[data-code="SL"]').waitFor()
  await page.waitForFunction(() => !document.querySelector('[data-code="SL-OLD-CHIENGCHUNG"]'))
  await page.getByLabel('Ngày', { exact: true }).fill('2025-06-30')
  await tree.locator('[data-code="SL-OLD-CHIENGCHUNG"]').waitFor()
  assertClean(problems)
})

const bad = 'number,kind,title_vi\r\n05/CT-UBND,memo,Sai loại văn bản\r\n,dispatch,Thiếu số hiệu\r\n'
const good = 'Số hiệu,Loại văn bản,Trích yếu\r\n04/CT-UBND,dispatch,Chỉ thị về chuyển đổi số năm 2026\r\n'

test('an import with two bad rows lists both and writes nothing; a dry run then the real import', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/admin/imports`)
  await page.getByLabel('Loại dữ liệu').selectOption('directives')
  await page.getByRole('rowheader', { name: 'title_en' }).waitFor()
  assert.match(page.url(), /kind=directives/)
  assert.equal(await page.getByLabel('Chạy thử: chỉ kiểm tra, không ghi dữ liệu').isChecked(), true)
  const admin = await apiAs(server.api, 'admin')

  await page.locator('#imp-file').setInputFiles({ name: 'sai.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  await page.getByLabel('Chạy thử: chỉ kiểm tra, không ghi dữ liệu').uncheck()
  await page.getByRole('button', { name: 'Nhập dữ liệu' }).click()
  const errors = page.getByTestId('import-errors')
  await errors.waitFor()
  const rows = await errors.locator('tbody tr').allInnerTexts()
  assert.equal(rows.length, 2)
  assert.match(rows[0], /^2\s+kind/)
  assert.match(rows[1], /^3\s+number/)
  await page.getByText('Tệp có 2 lỗi — không dữ liệu nào được ghi.', { exact: false }).waitFor()
  const none = await admin.get('/api/v1/directives?q=05%2FCT-UBND')
  assert.equal(none.body.total, 0)
  await shoot(page, 'admin-imports-errors')

  // A valid file, dry run: counts, nothing written.
  await page.getByLabel('Chạy thử: chỉ kiểm tra, không ghi dữ liệu').check()
  await page.locator('#imp-file').setInputFiles({ name: 'chi-thi.csv', mimeType: 'text/csv', buffer: Buffer.from(good) })
  await page.getByRole('button', { name: 'Kiểm tra tệp' }).click()
  const result = page.getByTestId('import-result')
  await result.getByText('Chạy thử thành công — chưa ghi dữ liệu nào.').waitFor()
  assert.equal(await result.getByTestId('count-inserted').innerText(), '1')
  await result.getByText('Sẽ thêm mới').waitFor()
  assert.equal((await admin.get('/api/v1/directives?q=04%2FCT-UBND')).body.total, 0)
  await shoot(page, 'admin-imports')

  // Then for real.
  await result.getByRole('button', { name: 'Nhập thật tệp này' }).click()
  await result.getByText('Đã nhập xong tệp chi-thi.csv.').waitFor()
  assert.equal(await result.getByTestId('count-inserted').innerText(), '1')
  const written = await admin.get('/api/v1/directives?q=04%2FCT-UBND')
  assert.equal(written.body.total, 1)
  assert.equal(written.body.items[0].title_vi, 'Chỉ thị về chuyển đổi số năm 2026')
  assertClean(problems)
})

test('an Excel workbook from the template link, dry run: the changes table lists each field before and after', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/admin/imports?kind=units`)
  const templates = page.getByTestId('import-templates')
  const link = templates.getByRole('link', { name: 'Tải tệp mẫu Excel (.xlsx)' })
  assert.equal(await link.getAttribute('href'), '/api/v1/imports/units/template.xlsx')
  assert.equal(await templates.getByRole('link', { name: 'Tải tệp mẫu CSV' }).getAttribute('href'),
    '/api/v1/imports/units/template.csv')
  // The template's example row is the demo's Department of Science and Technology, renamed.
  const download = await page.request.get(`${server.base}${await link.getAttribute('href')}`)
  assert.equal(download.status(), 200)
  const workbook = await download.body()
  assert.equal(workbook.subarray(0, 2).toString(), 'PK')
  const admin = await apiAs(server.api, 'admin')
  const before = await admin.get('/api/v1/org-units?q=SL-SKHCN')

  await page.locator('#imp-file').setInputFiles({
    name: 'don-vi.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: workbook,
  })
  await page.getByRole('button', { name: 'Kiểm tra tệp' }).click()
  const result = page.getByTestId('import-result')
  await result.getByText('Chạy thử thành công — chưa ghi dữ liệu nào.').waitFor()
  assert.equal(await result.getByTestId('count-updated').innerText(), '1')
  const changes = page.getByTestId('import-changes')
  await changes.waitFor()
  const name = changes.locator('tr[data-key="SL-SKHCN"]', { hasText: 'Tên' }).first()
  assert.match(await name.innerText(), /Sở Khoa học và Công nghệ\s*→\s*Sở Khoa học và Công nghệ tỉnh Sơn La/)
  await changes.getByText('Đơn vị, Dòng 3', { exact: false }).waitFor()
  await shoot(page, 'admin-imports-xlsx-changes')
  assert.deepEqual(await admin.get('/api/v1/org-units?q=SL-SKHCN'), before)
  assertClean(problems)
})

test('a non-admin opening the administration pages sees a clear refusal', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'chiengan.canbo')
  await page.goto(`${server.base}/admin/users`)
  const refusal = page.getByTestId('refused')
  await refusal.getByText('Chức năng này chỉ dành cho tài khoản quản trị hệ thống.', { exact: false }).waitFor()
  assert.equal(await refusal.getAttribute('role'), 'alert')
  assert.equal(await page.getByRole('table').count(), 0)
  await page.goto(`${server.base}/admin/imports`)
  await page.getByTestId('refused').waitFor()
  assert.equal(await page.getByRole('button', { name: /Kiểm tra tệp|Nhập dữ liệu/ }).count(), 0)
  await page.goto(`${server.base}/admin/units`)
  await page.getByText('chế độ chỉ đọc', { exact: false }).waitFor()
  await page.getByRole('tree').locator('[data-code="SL"]').click()
  await page.getByRole('heading', { name: 'Tỉnh Sơn La', level: 2 }).waitFor()
  assert.equal(await page.getByRole('button', { name: 'Sửa thông tin' }).count(), 0)
  assertClean(problems)
})

test('the three pages at phone and desktop width, with nothing sideways on a phone', async () => {
  for (const width of [WIDTHS.phone, WIDTHS.desktop]) {
    const { page, context, problems } = await openPage(browser, { width })
    await signIn(page, server.base, 'admin')
    await page.goto(`${server.base}/admin/units?unit=86`)
    await page.getByRole('heading', { name: 'Sở Khoa học và Công nghệ', level: 2 }).waitFor()
    await page.getByText('Phiên bản 1').waitFor()
    await noSideways(page)
    await shoot(page, 'admin-units-detail')
    await page.goto(`${server.base}/admin/users`)
    await page.locator('tr[data-login="admin"]').waitFor()
    await noSideways(page)
    await shoot(page, 'admin-users-list')
    await page.getByRole('button', { name: /Thêm người dùng/ }).click()
    await page.getByRole('combobox', { name: 'Phạm vi (đơn vị)' }).fill('chieng')
    await page.getByRole('listbox', { name: 'Phạm vi (đơn vị)' }).getByRole('option').first().waitFor()
    await noSideways(page)
    await shoot(page, 'admin-users-new')
    await page.goto(`${server.base}/admin/imports?kind=tasks`)
    await page.getByRole('rowheader', { name: 'lead_unit_code' }).waitFor()
    await noSideways(page)
    await shoot(page, 'admin-imports-tasks')
    await context.close()
    assertClean(problems)
  }
})

test('a merge closes a commune into a ward after a successful check', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  const admin = await apiAs(server.api, 'admin')
  const commune = (await admin.get('/api/v1/org-units?code=SL-C-CHIENGLA')).body.items[0]
  await page.goto(`${server.base}/admin/units?unit=${commune.id}`)
  await page.getByRole('heading', { name: 'Xã Chiềng La', level: 2 }).waitFor()
  await page.getByRole('button', { name: 'Sáp nhập / chia tách' }).click()
  await page.getByRole('combobox', { name: 'Thêm đơn vị kế thừa' }).fill('SL-W-CHIENGAN')
  await page.getByRole('listbox', { name: 'Thêm đơn vị kế thừa' }).getByRole('option', { name: /SL-W-CHIENGAN/ }).click()
  await page.getByLabel('Ngày cuối cùng hoạt động').fill('2026-06-30')
  await page.getByRole('button', { name: 'Kiểm tra trước' }).click()
  await page.getByText('Kiểm tra đạt: sẽ cập nhật 1 đơn vị.', { exact: false }).waitFor()
  assert.equal((await admin.get(`/api/v1/org-units/${commune.id}`)).body.valid_to, null, 'the check writes nothing')
  await page.getByRole('button', { name: 'Thực hiện sắp xếp' }).click()
  await page.getByTestId('unit-message').getByText('Đã thực hiện sắp xếp: cập nhật 1 đơn vị.').waitFor()
  const after = (await admin.get(`/api/v1/org-units/${commune.id}`)).body
  assert.equal(after.valid_to, '2026-06-30')
  assert.equal(after.leader_name, commune.leader_name, 'the other fields are kept')
  await page.getByRole('region', { name: 'Lịch sử thay đổi' }).getByText('Phiên bản 2').waitFor()
  assertClean(problems)
})
