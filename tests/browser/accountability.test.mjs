// Accountability pages (W2): public feedback from submission to a published answer, the
// scorecards of 333-KH/TU for 2025 with the Excel export, and reviews created, published and
// compared. Screenshots of every page at phone and desktop widths.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

let server
let browser
before(async () => {
  server = await startServer({ serveArgs: ['--feedback-difficulty', '8'] })
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function noSideScroll(page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(over <= 0, `the page overflows the viewport by ${over}px`)
}

test('public feedback: submitted logged out, accepted and answered by the standing agency, shown under its target', async () => {
  const text = `Đề nghị công khai tiến độ nhiệm vụ hằng tháng trên cổng thông tin (${Date.now()})`
  // Logged out: the login page links to the form; the form solves the challenge and submits.
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await page.goto(`${server.base}/login`)
  await page.getByRole('link', { name: 'Gửi góp ý' }).click()
  await page.waitForURL(/\/gop-y/)
  await page.getByLabel('Loại đối tượng').selectOption('plan')
  await page.getByLabel('Số hiệu').fill('2')
  await page.getByLabel('Số hiệu').press('Enter')
  await page.waitForURL(/\/gop-y\?plan=2/)
  await page.getByTestId('published').getByText('Chưa có góp ý nào được công khai').waitFor()
  await page.getByLabel('Loại góp ý').selectOption('recommendation')
  await page.getByLabel('Nội dung').fill(text)
  await page.getByLabel(/Họ và tên/).fill('Lò Thị Mai')
  await page.getByLabel(/Thư điện tử/).fill('mai@example.vn')
  await shoot(page, 'feedback-form')
  await page.getByRole('button', { name: 'Gửi góp ý' }).click()
  await page.getByTestId('sent').getByText(/Cảm ơn bạn! Góp ý số \d+ đã được gửi/).waitFor()
  await shoot(page, 'feedback-sent')
  assertClean(problems)

  // The standing agency accepts and answers it in the moderation page.
  const mod = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(mod.page, server.base, 'skhcn.thuongtruc')
  await mod.page.getByRole('button', { name: 'Đánh giá' }).click()
  await mod.page.getByRole('link', { name: 'Góp ý của người dân' }).click()
  await mod.page.waitForURL(/\/feedback/)
  const item = mod.page.locator('li.item', { hasText: text })
  await item.waitFor()
  await item.getByText('mai@example.vn').waitFor()
  await item.getByRole('link', { name: /333-KH\/TU/ }).waitFor()
  await shoot(mod.page, 'feedback-moderation')
  await item.getByRole('button', { name: 'Tiếp nhận' }).click()
  await mod.page.getByRole('status').getByText(/Đã tiếp nhận góp ý số \d+/).waitFor()
  await mod.page.getByRole('button', { name: 'Đã tiếp nhận', exact: true }).click()
  const accepted = mod.page.locator('li.item', { hasText: text })
  await accepted.getByRole('button', { name: 'Trả lời' }).click()
  await accepted.getByLabel('Nội dung trả lời').fill('Đã tiếp thu, sẽ công bố tiến độ từ tháng 7.')
  await accepted.getByRole('button', { name: 'Gửi trả lời và công khai' }).click()
  await mod.page.getByRole('status').getByText(/Đã trả lời góp ý số \d+/).waitFor()
  await mod.page.getByRole('button', { name: 'Đã trả lời', exact: true }).click()
  const answered = mod.page.locator('li.item', { hasText: text })
  await answered.getByRole('button', { name: 'Lịch sử xử lý' }).click()
  await answered.locator('.events li').nth(2).waitFor()
  assert.equal(await answered.locator('.events li').count(), 3, 'submitted, accepted, answered')
  await shoot(mod.page, 'feedback-answered')
  await mod.page.setViewportSize({ width: WIDTHS.phone, height: 800 })
  await noSideScroll(mod.page)
  await shoot(mod.page, 'feedback-moderation')
  assertClean(mod.problems)

  // Logged out again: the answer shows under the plan, without the contact.
  const pub = await openPage(browser, { width: WIDTHS.phone })
  await pub.page.goto(`${server.base}/gop-y?plan=2`)
  const published = pub.page.getByTestId('published')
  await published.getByText(text).waitFor()
  await published.getByText('Đã tiếp thu, sẽ công bố tiến độ từ tháng 7.').waitFor()
  await published.getByText('Lò Thị Mai').waitFor()
  assert.equal(await published.getByText('mai@example.vn').count(), 0, 'the contact is never public')
  await noSideScroll(pub.page)
  await shoot(pub.page, 'feedback-form')
  assertClean(pub.problems)
})

test('the scorecards of 333-KH/TU for 2025 are ranked, and the Excel export answers', async () => {
  for (const width of [WIDTHS.desktop, WIDTHS.phone]) {
    const { page, problems } = await openPage(browser, { width })
    await signIn(page, server.base, 'bcd.sonla')
    await page.goto(`${server.base}/scorecards?plan=2&period=2025`)
    const table = page.getByTestId('scorecards')
    await table.locator('tbody tr').first().waitFor()
    const first = await table.locator('tbody tr').first().innerText()
    assert.match(first, /^\s*1\s*\/\d+/, `the first row is ranked first: ${first}`)
    assert.match(await table.innerText(), /Xuất sắc|Tốt|Hoàn thành|Chưa hoàn thành/)
    assert.equal(await page.getByLabel('Loại kỳ').inputValue(), 'year')
    assert.equal(await page.getByLabel('Năm').inputValue(), '2025')
    if (width === WIDTHS.desktop) {
      const href = await page.getByTestId('excel').getAttribute('href')
      assert.match(href, /scorecards\.xlsx\?plan=333-KH%2FTU&period=2025/)
      const res = await page.request.get(`${server.base}${href}`)
      assert.equal(res.status(), 200)
      assert.match(res.headers()['content-type'], /spreadsheetml\.sheet/)
      // The filters are in the URL: unit type narrows the table.
      await page.getByLabel('Loại đơn vị').selectOption('ward')
      await page.waitForURL(/type=ward/)
      await table.locator('tbody tr').first().waitFor()
      await shoot(page, 'scorecards-ward')
      await page.getByLabel('Loại đơn vị').selectOption('')
    } else {
      await noSideScroll(page)
    }
    await shoot(page, 'scorecards')
    // A unit's history.
    await table.locator('tbody tr').first().getByRole('link').click()
    await page.waitForURL(/\/scorecards\/[^/?]+\?/)
    await page.getByTestId('history').locator('tbody tr').first().waitFor()
    if (width === WIDTHS.phone) await noSideScroll(page)
    await shoot(page, 'scorecard-history')
    assertClean(problems)
  }
})

test('a review is created, published and compared with a second one', async () => {
  const api = await apiAs(server.api, 'skhcn.thuongtruc')
  const first = await api.post('/api/v1/reviews', {
    plan: 2, as_of: '2025-06-30', kind: 'interim', title_vi: 'Sơ kết 6 tháng đầu năm 2025', title_en: 'H1 2025 interim review',
  })
  assert.equal(first.status, 201)

  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'skhcn.thuongtruc')
  await page.goto(`${server.base}/reviews?plan=2`)
  await page.getByTestId('reviews').getByText('Sơ kết 6 tháng đầu năm 2025').waitFor()
  await page.getByRole('button', { name: /Tạo đợt sơ kết, tổng kết/ }).click()
  await page.getByLabel('Loại', { exact: true }).selectOption('annual')
  await page.getByLabel('Số liệu tính đến ngày').fill('31/12/2025')
  await page.getByLabel('Tiêu đề (tiếng Việt)').fill('Tổng kết năm 2025')
  await shoot(page, 'reviews')
  await page.getByRole('button', { name: 'Lưu số liệu và tạo' }).click()
  await page.waitForURL(/\/reviews\/\d+$/)
  await page.getByRole('heading', { name: 'Tổng kết năm 2025' }).waitFor()
  assert.equal(await page.getByTestId('completion').innerText(), '73,3%')
  page.once('dialog', (d) => d.accept())
  await page.getByRole('button', { name: 'Công bố' }).click()
  await page.getByTestId('published').waitFor()
  await shoot(page, 'review')

  await page.goto(`${server.base}/reviews?plan=2`)
  await page.getByRole('button', { name: 'So sánh' }).click()
  await page.waitForURL(/\/reviews\/compare\?a=\d+&b=\d+/)
  const status = page.getByTestId('compare-status')
  const row = status.locator('tr', { hasText: 'Tỷ lệ hoàn thành' })
  await row.waitFor()
  const cells = await row.locator('td').allInnerTexts()
  assert.equal(cells[0], '5,5%')
  assert.equal(cells[1], '73,3%')
  assert.match(cells[2], /▲\s*tăng\s*\+67,8 điểm %/)
  await shoot(page, 'review-compare')
  assertClean(problems)

  const phone = await openPage(browser, { width: WIDTHS.phone })
  await signIn(phone.page, server.base, 'xem.sonla')
  await phone.page.goto(`${server.base}/reviews?plan=2`)
  await phone.page.getByTestId('reviews').getByText('Tổng kết năm 2025').click()
  await phone.page.getByTestId('completion').waitFor()
  await noSideScroll(phone.page)
  await shoot(phone.page, 'review')
  await phone.page.goto(`${server.base}/reviews?plan=2`)
  await phone.page.getByTestId('reviews').waitFor()
  await noSideScroll(phone.page)
  await shoot(phone.page, 'reviews')
  assertClean(phone.problems)
})
