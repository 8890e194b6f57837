import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { ConversationList } from './ConversationList';

const conversations = [
  {
    id: 'c1',
    entityRef: 'component:default/demo',
    title: 'Resetting the router',
    createdAt: '2026-11-29T06:00:00Z',
    updatedAt: '2026-11-29T06:00:00Z',
  },
];

describe('ConversationList', () => {
  it('deletes a conversation only once the user confirms', async () => {
    const onDelete = jest.fn();
    await renderInTestApp(
      <ConversationList
        conversations={conversations}
        disabled={false}
        onSelect={jest.fn()}
        onCreate={jest.fn()}
        onRename={jest.fn()}
        onDelete={onDelete}
      />,
    );
    const remove = screen.getByRole('button', {
      name: 'Delete Resetting the router',
    });
    await userEvent.click(remove);
    expect(
      await screen.findByText('Delete “Resetting the router”?'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onDelete).not.toHaveBeenCalled();

    await userEvent.click(remove);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    expect(onDelete).toHaveBeenCalledWith('c1');
  });
});
